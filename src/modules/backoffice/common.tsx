import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { ForbiddenError, ValidationError } from '../../core/http/errors.js';
import type { PageContext } from '../../core/views/context.js';
import { Layout } from '../../core/views/layout.js';

/** Back office: signed-out people go to the sign-in page and come back; citizens get a 403. */
export async function requireAgent(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.viewer) {
    const back = request.method === 'GET' ? request.url : (request.url.split('?')[0] ?? '/admin');
    await reply.redirect(`/connexion?retour=${encodeURIComponent(back)}`, 303);
    return;
  }
  if (!request.server.core.permissions.can(request.viewer, 'backoffice.access')) throw new ForbiddenError();
}

/** The field errors of a refused form; any other error goes on to the error pages. */
export function formErrors(error: unknown): Record<string, string> {
  if (error instanceof ValidationError) return error.fields;
  throw error;
}

export type FormBody = Record<string, unknown>;

export function bodyOf(request: FastifyRequest): FormBody {
  const body = request.body;
  return body && typeof body === 'object' ? (body as FormBody) : {};
}

/** A text field of a posted form (first value if repeated). Buffers (files) are not text. */
export function field(body: FormBody, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every value of a repeated field (checkboxes). */
export function fieldList(body: FormBody, name: string): string[] {
  const value = body[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

export function BackofficePage({
  ctx,
  title,
  children,
}: {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
}) {
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}
