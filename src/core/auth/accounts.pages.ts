import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../http/errors.js';
import type { App, RouteRegistrar } from '../http/types.js';
import type { CoreServices } from '../services.js';
import { looksLikeToken, safeReturnPath } from './accounts.domain.js';
import {
  ChangePasswordBody,
  DeleteBody,
  EmailBody,
  EmptyBody,
  PasswordBody,
  ProfileBody,
  ReturnQuery,
  SignInBody,
  SignUpBody,
  TokenParams,
} from './accounts.schemas.js';
import * as accounts from './accounts.service.js';
import { SESSION_COOKIE, SESSION_DAYS } from './sessions.js';
import type { Viewer } from './viewer.js';
import { AccountPage, DeleteAccountPage } from './views/account.js';
import { ConfirmLinkPage, EmailRequestPage, NewPasswordPage } from './views/email-form.js';
import { MessagePage } from './views/message.js';
import { SignInPage } from './views/sign-in.js';
import { SignUpPage } from './views/sign-up.js';

/** Thin routes: read the form, call the service, render or redirect (303). */

function meta(request: FastifyRequest): accounts.RequestMeta {
  return {
    ip: request.ip,
    userAgent: String(request.headers['user-agent'] ?? ''),
    requestId: String(request.id),
    locale: request.locale,
    oldSessionToken: request.cookies[SESSION_COOKIE] ?? null,
  };
}

/** `Secure` when the browser came over HTTPS (directly, or through a trusted proxy). */
function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: SESSION_DAYS * 86400,
  });
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
  });
}

/** The viewer, or a 303 to the sign-in page that comes back here afterwards. */
function signedIn(request: FastifyRequest, reply: FastifyReply): Viewer | null {
  if (request.viewer) return request.viewer;
  const back = safeReturnPath(request.url.split('?')[0], '/compte');
  void reply.redirect(`/connexion?retour=${encodeURIComponent(back)}`, 303);
  return null;
}

function formErrors(error: unknown): Record<string, string> {
  if (error instanceof ValidationError) return error.fields;
  throw error;
}

function linkInvalidPage(
  request: FastifyRequest,
  reply: FastifyReply,
  again: { href: string; label: string },
) {
  const t = request.t;
  return reply.page(
    MessagePage({
      ctx: reply.ctx(),
      title: t('core.account.link_invalid.title'),
      paragraphs: [t('core.account.errors.link_invalid')],
      links: [again],
    }),
    410,
  );
}

function isLinkInvalid(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === accounts.LINK_INVALID;
}

function checkYourMail(request: FastifyRequest, reply: FastifyReply, paragraphKey: string) {
  const t = request.t;
  return reply.page(
    MessagePage({
      ctx: reply.ctx(),
      title: t('core.account.check_mail.title'),
      paragraphs: [t(paragraphKey), t('core.account.check_mail.spam')],
    }),
  );
}

export const registerAccountRoutes: RouteRegistrar = (app: App, core: CoreServices) => {
  // ——— Sign-up and confirmation ———

  app.get('/inscription', async (_request, reply) => reply.page(SignUpPage({ ctx: reply.ctx() })));

  app.post('/inscription', { schema: { body: SignUpBody } }, async (request, reply) => {
    const values = { display_name: request.body.display_name ?? '', email: request.body.email ?? '' };
    try {
      await accounts.signUp(
        core,
        { displayName: values.display_name, email: values.email, password: request.body.password ?? '' },
        meta(request),
      );
    } catch (error) {
      return reply.page(SignUpPage({ ctx: reply.ctx(), values, errors: formErrors(error) }), 422);
    }
    return checkYourMail(request, reply, 'core.account.check_mail.signup');
  });

  const confirmAgain = (request: FastifyRequest) => ({
    href: '/connexion',
    label: request.t('core.account.link_invalid.signin'),
  });

  app.get('/inscription/confirmer/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const { token } = request.params;
    if (!looksLikeToken(token) || !(await accounts.isConfirmationValid(core, token))) {
      return linkInvalidPage(request, reply, confirmAgain(request));
    }
    const t = request.t;
    return reply.page(
      ConfirmLinkPage({
        ctx: reply.ctx(),
        title: t('core.account.confirm.title'),
        intro: t('core.account.confirm.intro'),
        action: `/inscription/confirmer/${token}`,
        submit: t('core.account.confirm.submit'),
      }),
    );
  });

  app.post(
    '/inscription/confirmer/:token',
    { schema: { params: TokenParams, body: EmptyBody } },
    async (request, reply) => {
      const { token } = request.params;
      if (!looksLikeToken(token)) return linkInvalidPage(request, reply, confirmAgain(request));
      try {
        const { sessionToken, changed } = await accounts.confirmEmail(core, token, meta(request));
        setSessionCookie(request, reply, sessionToken);
        return reply.redirectWithFlash(
          '/compte',
          changed ? 'core.account.flash.email_changed' : 'core.account.flash.email_confirmed',
        );
      } catch (error) {
        if (isLinkInvalid(error)) return linkInvalidPage(request, reply, confirmAgain(request));
        throw error;
      }
    },
  );

  // ——— Sign-in and sign-out ———

  app.get('/connexion', { schema: { querystring: ReturnQuery } }, async (request, reply) => {
    const returnTo = safeReturnPath(request.query.retour, '');
    return reply.page(SignInPage({ ctx: reply.ctx(), returnTo: returnTo || undefined }));
  });

  app.post('/connexion', { schema: { body: SignInBody } }, async (request, reply) => {
    const email = request.body.email ?? '';
    const returnTo = safeReturnPath(request.body.retour, '');
    try {
      const { sessionToken } = await accounts.signInWithPassword(
        core,
        { email, password: request.body.password ?? '' },
        meta(request),
      );
      setSessionCookie(request, reply, sessionToken);
      return reply.redirectWithFlash(returnTo || '/compte', 'core.account.flash.signed_in');
    } catch (error) {
      return reply.page(
        SignInPage({ ctx: reply.ctx(), email, returnTo: returnTo || undefined, errors: formErrors(error) }),
        422,
      );
    }
  });

  app.post('/deconnexion', { schema: { body: EmptyBody } }, async (request, reply) => {
    await accounts.signOut(
      core,
      request.sessionToken ?? request.cookies[SESSION_COOKIE] ?? null,
      request.actor(),
    );
    clearSessionCookie(request, reply);
    return reply.redirectWithFlash('/', 'core.account.flash.signed_out');
  });

  // ——— Magic link ———

  const magicRequestPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    email = '',
    errors?: Record<string, string>,
  ) =>
    reply.page(
      EmailRequestPage({
        ctx: reply.ctx(),
        title: request.t('core.account.magic.title'),
        intro: request.t('core.account.magic.intro'),
        action: '/connexion/lien',
        submit: request.t('core.account.magic.submit'),
        email,
        errors,
      }),
      errors ? 422 : 200,
    );
  const magicAgain = (request: FastifyRequest) => ({
    href: '/connexion/lien',
    label: request.t('core.account.link_invalid.magic_again'),
  });

  app.get('/connexion/lien', async (request, reply) => magicRequestPage(request, reply));

  app.post('/connexion/lien', { schema: { body: EmailBody } }, async (request, reply) => {
    const email = request.body.email ?? '';
    try {
      await accounts.requestMagicLink(core, email, meta(request));
    } catch (error) {
      return magicRequestPage(request, reply, email, formErrors(error));
    }
    return checkYourMail(request, reply, 'core.account.check_mail.magic');
  });

  // GET only shows a button: a mail scanner opening the link does not use it up.
  app.get('/connexion/lien/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const { token } = request.params;
    if (!looksLikeToken(token) || !(await accounts.isMagicLinkValid(core, token))) {
      return linkInvalidPage(request, reply, magicAgain(request));
    }
    const t = request.t;
    return reply.page(
      ConfirmLinkPage({
        ctx: reply.ctx(),
        title: t('core.account.magic.confirm_title'),
        intro: t('core.account.magic.confirm_intro'),
        action: `/connexion/lien/${token}`,
        submit: t('core.account.magic.confirm_submit'),
      }),
    );
  });

  app.post(
    '/connexion/lien/:token',
    { schema: { params: TokenParams, body: EmptyBody } },
    async (request, reply) => {
      const { token } = request.params;
      if (!looksLikeToken(token)) return linkInvalidPage(request, reply, magicAgain(request));
      try {
        const { sessionToken } = await accounts.signInWithMagicLink(core, token, meta(request));
        setSessionCookie(request, reply, sessionToken);
        return reply.redirectWithFlash('/compte', 'core.account.flash.signed_in');
      } catch (error) {
        if (isLinkInvalid(error)) return linkInvalidPage(request, reply, magicAgain(request));
        throw error;
      }
    },
  );

  // ——— Password reset ———

  const resetRequestPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    email = '',
    errors?: Record<string, string>,
  ) =>
    reply.page(
      EmailRequestPage({
        ctx: reply.ctx(),
        title: request.t('core.account.reset.title'),
        intro: request.t('core.account.reset.intro'),
        action: '/mot-de-passe-oublie',
        submit: request.t('core.account.reset.submit'),
        email,
        errors,
      }),
      errors ? 422 : 200,
    );
  const resetAgain = (request: FastifyRequest) => ({
    href: '/mot-de-passe-oublie',
    label: request.t('core.account.link_invalid.reset_again'),
  });

  app.get('/mot-de-passe-oublie', async (request, reply) => resetRequestPage(request, reply));

  app.post('/mot-de-passe-oublie', { schema: { body: EmailBody } }, async (request, reply) => {
    const email = request.body.email ?? '';
    try {
      await accounts.requestPasswordReset(core, email, meta(request));
    } catch (error) {
      return resetRequestPage(request, reply, email, formErrors(error));
    }
    return checkYourMail(request, reply, 'core.account.check_mail.reset');
  });

  app.get('/mot-de-passe-oublie/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const { token } = request.params;
    if (!looksLikeToken(token) || !(await accounts.isResetTokenValid(core, token))) {
      return linkInvalidPage(request, reply, resetAgain(request));
    }
    return reply.page(NewPasswordPage({ ctx: reply.ctx(), action: `/mot-de-passe-oublie/${token}` }));
  });

  app.post(
    '/mot-de-passe-oublie/:token',
    { schema: { params: TokenParams, body: PasswordBody } },
    async (request, reply) => {
      const { token } = request.params;
      if (!looksLikeToken(token)) return linkInvalidPage(request, reply, resetAgain(request));
      try {
        const { sessionToken } = await accounts.resetPassword(
          core,
          token,
          request.body.password ?? '',
          meta(request),
        );
        setSessionCookie(request, reply, sessionToken);
        return reply.redirectWithFlash('/compte', 'core.account.flash.password_reset');
      } catch (error) {
        if (isLinkInvalid(error)) return linkInvalidPage(request, reply, resetAgain(request));
        if (error instanceof ValidationError) {
          return reply.page(
            NewPasswordPage({
              ctx: reply.ctx(),
              action: `/mot-de-passe-oublie/${token}`,
              errors: error.fields,
            }),
            422,
          );
        }
        throw error;
      }
    },
  );

  // ——— The account page ———

  async function accountPage(
    reply: FastifyReply,
    viewer: Viewer,
    typed: Partial<{
      display_name: string;
      email: string;
      locale: string;
      notify_by_email: boolean;
      notify_digest: boolean;
    }> = {},
    errors?: Record<string, string>,
  ) {
    const account = await accounts.getAccount(core, viewer);
    return reply.page(
      AccountPage({
        ctx: reply.ctx(),
        values: {
          display_name: account.displayName,
          email: '',
          locale: account.locale,
          notify_by_email: account.notifyByEmail,
          notify_digest: account.notifyDigest,
          ...typed,
        },
        currentEmail: account.email,
        emailVerified: account.emailVerified,
        hasPassword: account.hasPassword,
        moduleLinks: core.modules.flatMap((module) => module.accountLinks ?? []),
        errors,
      }),
      errors ? 422 : 200,
    );
  }

  app.get('/compte', async (request, reply) => {
    const viewer = signedIn(request, reply);
    if (!viewer) return reply;
    return accountPage(reply, viewer);
  });

  app.post('/compte', { schema: { body: ProfileBody } }, async (request, reply) => {
    const viewer = signedIn(request, reply);
    if (!viewer) return reply;
    const typed = {
      display_name: request.body.display_name ?? '',
      locale: request.body.locale ?? '',
      notify_by_email: request.body.notify_by_email === '1',
      notify_digest: request.body.notify_digest === '1',
    };
    try {
      await accounts.updateProfile(
        core,
        viewer,
        {
          displayName: typed.display_name,
          locale: typed.locale,
          notifyByEmail: typed.notify_by_email,
          notifyDigest: typed.notify_digest,
        },
        request.actor(),
      );
    } catch (error) {
      return accountPage(reply, viewer, typed, formErrors(error));
    }
    return reply.redirectWithFlash('/compte', 'core.account.flash.saved');
  });

  app.post('/compte/email', { schema: { body: EmailBody } }, async (request, reply) => {
    const viewer = signedIn(request, reply);
    if (!viewer) return reply;
    const email = request.body.email ?? '';
    let outcome: 'sent' | 'unchanged';
    try {
      outcome = await accounts.requestEmailChange(core, viewer, email, request.actor());
    } catch (error) {
      return accountPage(reply, viewer, { email }, formErrors(error));
    }
    return reply.redirectWithFlash(
      '/compte',
      outcome === 'sent' ? 'core.account.flash.email_change_sent' : 'core.account.flash.email_unchanged',
    );
  });

  app.post('/compte/mot-de-passe', { schema: { body: ChangePasswordBody } }, async (request, reply) => {
    const viewer = signedIn(request, reply);
    if (!viewer) return reply;
    try {
      await accounts.changePassword(
        core,
        viewer,
        {
          currentPassword: request.body.current_password ?? '',
          newPassword: request.body.new_password ?? '',
        },
        request.sessionToken,
        request.actor(),
      );
    } catch (error) {
      return accountPage(reply, viewer, {}, formErrors(error));
    }
    return reply.redirectWithFlash('/compte', 'core.account.flash.password_changed');
  });

  app.get('/compte/donnees.json', async (request, reply) => {
    const viewer = signedIn(request, reply);
    if (!viewer) return reply;
    const data = await accounts.exportPersonalData(core, viewer, request.actor());
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="mes-donnees-${day}.json"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  });

  app.get('/compte/supprimer', async (request, reply) => {
    const viewer = signedIn(request, reply);
    if (!viewer) return reply;
    const account = await accounts.getAccount(core, viewer);
    return reply.page(DeleteAccountPage({ ctx: reply.ctx(), hasPassword: account.hasPassword }));
  });

  app.post('/compte/supprimer', { schema: { body: DeleteBody } }, async (request, reply) => {
    const viewer = signedIn(request, reply);
    if (!viewer) return reply;
    try {
      await accounts.deleteAccount(
        core,
        viewer,
        { password: request.body.password ?? '', confirmation: request.body.confirmation ?? '' },
        request.actor(),
      );
    } catch (error) {
      const errors = formErrors(error);
      const account = await accounts.getAccount(core, viewer);
      return reply.page(
        DeleteAccountPage({ ctx: reply.ctx(), hasPassword: account.hasPassword, errors }),
        422,
      );
    }
    clearSessionCookie(request, reply);
    return reply.redirectWithFlash('/', 'core.account.flash.deleted');
  });
};
