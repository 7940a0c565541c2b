import { type TSchema, Type } from '@sinclair/typebox';

/**
 * Form bodies, posted url-encoded. Limits here are generous on purpose: a too-long name
 * must come back as a clear 422 on the form, not as a bare 400.
 */
const text = Type.Optional(Type.String({ maxLength: 100_000 }));

function form<T extends Record<string, TSchema>>(fields: T) {
  return Type.Object({ _csrf: text, ...fields });
}

export const SignUpBody = form({ display_name: text, email: text, password: text });
export const SignInBody = form({ email: text, password: text, retour: text });
export const EmailBody = form({ email: text });
export const PasswordBody = form({ password: text });
export const EmptyBody = form({});
export const ProfileBody = form({
  display_name: text,
  locale: text,
  notify_by_email: text,
  notify_digest: text,
});
export const ChangePasswordBody = form({ current_password: text, new_password: text });
export const DeleteBody = form({ password: text, confirmation: text });
export const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
export const ReturnQuery = Type.Object({ retour: Type.Optional(Type.String({ maxLength: 2000 })) });
