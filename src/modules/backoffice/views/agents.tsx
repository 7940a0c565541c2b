import type { Agent, OrgUnit } from '../../../core/org/org.service.js';
import {
  Button,
  CsrfField,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  Radios,
  Select,
} from '../../../core/views/components/form.js';
import { Table, Tag } from '../../../core/views/components/ui.js';
import type { PageContext } from '../../../core/views/context.js';
import { BackofficePage } from '../common.js';

export interface MembershipValues {
  email: string;
  serviceId: string;
  role: string;
}

function RoleLabel({ ctx, role }: { ctx: PageContext; role: 'agent' | 'manager' }) {
  return (
    <>
      {role === 'manager' ? ctx.t('backoffice.agents.role_manager') : ctx.t('backoffice.agents.role_agent')}
    </>
  );
}

/** One membership, with its own small forms (change the role, remove) when the viewer may manage. */
function MembershipItem({
  ctx,
  agent,
  membership,
}: {
  ctx: PageContext;
  agent: Agent;
  membership: Agent['memberships'][number];
}) {
  const { t } = ctx;
  const key = `${agent.id}-${membership.serviceId}`;
  return (
    <li>
      <a href={`/admin/services/${membership.serviceId}`}>{membership.serviceName}</a> —{' '}
      <RoleLabel ctx={ctx} role={membership.role} />
      {ctx.can('org.manage') && (
        <div class="inline-forms">
          <form method="post" action="/admin/agents/role" class="form form--inline">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="userId" value={agent.id} />
            <input type="hidden" name="serviceId" value={membership.serviceId} />
            <label class="visually-hidden" for={`role-${key}`}>
              {t('backoffice.agents.role_in', { service: membership.serviceName })}
            </label>
            <select id={`role-${key}`} name="role" class="field__select">
              <option value="agent" selected={membership.role === 'agent'}>
                {t('backoffice.agents.role_agent')}
              </option>
              <option value="manager" selected={membership.role === 'manager'}>
                {t('backoffice.agents.role_manager')}
              </option>
            </select>
            <Button variant="secondary">{t('backoffice.agents.change_role')}</Button>
          </form>
          <form method="post" action="/admin/agents/retirer" class="form form--inline">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="userId" value={agent.id} />
            <input type="hidden" name="serviceId" value={membership.serviceId} />
            <Button variant="danger">
              {t('backoffice.agents.remove')}
              <span class="visually-hidden">
                {' '}
                {t('backoffice.agents.remove_context', { service: membership.serviceName })}
              </span>
            </Button>
          </form>
        </div>
      )}
    </li>
  );
}

export function AgentsPage({
  ctx,
  agents,
  services,
  values,
  errors,
  adminEmail,
  adminErrors,
}: {
  ctx: PageContext;
  agents: Agent[];
  services: OrgUnit[];
  values: MembershipValues;
  errors?: FieldErrors;
  adminEmail: string;
  adminErrors?: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('backoffice.agents.title')}>
      <Table
        caption={t('backoffice.agents.caption', { count: agents.length })}
        columns={[
          { label: t('backoffice.agents.person') },
          { label: t('backoffice.agents.services') },
          { label: t('backoffice.agents.admin') },
        ]}
        rowHeaders
        rows={agents.map((agent) => [
          <span key="who">
            {agent.displayName || agent.email}
            {agent.displayName && agent.email && <span class="muted"> ({agent.email})</span>}
          </span>,
          agent.memberships.length === 0 ? (
            t('backoffice.agents.no_service')
          ) : (
            <ul class="list" key="services">
              {agent.memberships.map((m) => (
                <MembershipItem key={m.serviceId} ctx={ctx} agent={agent} membership={m} />
              ))}
            </ul>
          ),
          <span key="admin">
            {agent.isAdmin && <Tag tone="info">{t('backoffice.agents.administrator')}</Tag>}
            {agent.isAdmin && ctx.can('users.manage') && ctx.viewer?.id !== agent.id && (
              <form method="post" action="/admin/agents/administrateurs" class="form form--inline">
                <CsrfField ctx={ctx} />
                <input type="hidden" name="userId" value={agent.id} />
                <input type="hidden" name="grant" value="0" />
                <Button variant="danger">
                  {t('backoffice.agents.revoke_admin')}
                  <span class="visually-hidden"> {agent.displayName || agent.email}</span>
                </Button>
              </form>
            )}
          </span>,
        ])}
      />
      {ctx.can('org.manage') && (
        <section aria-labelledby="add-member">
          <h2 id="add-member">{t('backoffice.agents.add_title')}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <Form ctx={ctx} action="/admin/agents/membres">
            <Field
              ctx={ctx}
              name="email"
              type="email"
              label={t('backoffice.agents.email')}
              hint={t('backoffice.agents.email_hint')}
              value={values.email}
              errors={errors}
              required
              autocomplete="off"
            />
            <Select
              ctx={ctx}
              name="serviceId"
              label={t('backoffice.agents.service')}
              placeholder={t('backoffice.agents.choose_service')}
              options={services.map((s) => ({ value: s.id, label: `${s.name} (${s.directorateName})` }))}
              value={values.serviceId}
              errors={errors}
              required
            />
            <Radios
              ctx={ctx}
              name="role"
              legend={t('backoffice.agents.role')}
              options={[
                {
                  value: 'agent',
                  label: t('backoffice.agents.role_agent'),
                  hint: t('backoffice.agents.role_agent_hint'),
                },
                {
                  value: 'manager',
                  label: t('backoffice.agents.role_manager'),
                  hint: t('backoffice.agents.role_manager_hint'),
                },
              ]}
              value={values.role}
              errors={errors}
              required
            />
            <Button>{t('backoffice.agents.add_button')}</Button>
          </Form>
        </section>
      )}
      {ctx.can('users.manage') && (
        <section aria-labelledby="grant-admin">
          <h2 id="grant-admin">{t('backoffice.agents.grant_title')}</h2>
          <ErrorSummary ctx={ctx} errors={adminErrors} />
          <Form ctx={ctx} action="/admin/agents/administrateurs">
            <input type="hidden" name="grant" value="1" />
            <Field
              ctx={ctx}
              name="adminEmail"
              type="email"
              label={t('backoffice.agents.email')}
              value={adminEmail}
              errors={adminErrors}
              required
              autocomplete="off"
            />
            <Button>{t('backoffice.agents.grant_button')}</Button>
          </Form>
        </section>
      )}
    </BackofficePage>
  );
}
