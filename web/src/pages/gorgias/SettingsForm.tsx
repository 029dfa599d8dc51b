import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { channelLabel } from '../../api/agent';
import {
  GORGIAS_CHANNELS,
  MAX_QUIET_SECONDS,
  MAX_REPLY_DELAY_SECONDS,
  MODES,
  MODE_LABELS,
  saveGorgiasSettings,
  storeGorgiasConnection,
  type GorgiasSettings,
  type Mode,
  type TestResult,
} from '../../api/gorgias';
import { Field, FormError, ReadOnlyNote, SavedNote, formErrors } from '../../components/Form';

/** The settings as edited: numbers as typed, the hand-over target as one choice. */
export interface SettingsDraft {
  channels: string[];
  mode: Mode;
  replyDelay: string;
  quiet: string;
  handleUnassigned: boolean;
  /** '' unassigns, `user:12` or `team:3`. */
  handover: string;
  /** Minutes by channel, as typed. */
  autoClose: Record<string, string>;
  signature: string;
}

export function toSettingsDraft(settings: GorgiasSettings): SettingsDraft {
  const autoClose: Record<string, string> = {};
  for (const [channel, minutes] of Object.entries(settings.auto_close_minutes)) {
    autoClose[channel] = String(minutes);
  }
  return {
    channels: settings.channels,
    mode: settings.mode,
    replyDelay: String(settings.reply_delay_seconds),
    quiet: String(settings.quiet_seconds),
    handleUnassigned: settings.handle_unassigned,
    handover:
      settings.handover_user_id !== null
        ? `user:${settings.handover_user_id}`
        : settings.handover_team_id !== null
          ? `team:${settings.handover_team_id}`
          : '',
    autoClose,
    signature: settings.signature,
  };
}

/** A whole number as typed: empty is 0; anything else that is not one is sent as -1, for the server to name. */
function wholeNumber(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') {
    return 0;
  }
  return /^\d+$/.test(trimmed) ? Number(trimmed) : -1;
}

/** The settings to save. Auto-close is sent for the channels Deskmate answers on only. */
export function fromSettingsDraft(draft: SettingsDraft): GorgiasSettings {
  const [kind, target] = draft.handover.split(':');
  const targetId = target === undefined ? null : Number(target);
  const autoClose: Record<string, number> = {};
  for (const channel of draft.channels) {
    autoClose[channel] = wholeNumber(draft.autoClose[channel] ?? '');
  }
  return {
    channels: GORGIAS_CHANNELS.filter((channel) => draft.channels.includes(channel)),
    mode: draft.mode,
    reply_delay_seconds: wholeNumber(draft.replyDelay),
    quiet_seconds: wholeNumber(draft.quiet),
    handle_unassigned: draft.handleUnassigned,
    handover_user_id: kind === 'user' ? targetId : null,
    handover_team_id: kind === 'team' ? targetId : null,
    auto_close_minutes: autoClose,
    signature: draft.signature,
  };
}

/** The names the server gives to fields, most precise first (see connector.Settings.Check). */
const KNOWN_FIELDS = [
  ...GORGIAS_CHANNELS.map((channel) => `auto_close_minutes.${channel}`),
  'auto_close_minutes',
  'channels',
  'mode',
  'reply_delay_seconds',
  'quiet_seconds',
  'handle_unassigned',
  'handover_user_id',
  'handover_team_id',
  'signature',
];

function NumberField({
  label,
  hint,
  error,
  max,
  value,
  onChange,
}: {
  label: string;
  hint: string;
  error: string | undefined;
  max: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <input
          {...control}
          className="input gg-number"
          type="number"
          inputMode="numeric"
          min={0}
          max={max}
          step={1}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

interface SettingsFormProps {
  workspaceId: string;
  settings: GorgiasSettings;
  /** The account's users and teams, once the connection was tested. */
  account: TestResult | undefined;
  canEdit: boolean;
}

/** How Deskmate works on the account's tickets: channels, mode, timing, hand-over, auto-close and signature. */
export function SettingsForm({ workspaceId, settings, account, canEdit }: SettingsFormProps) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => toSettingsDraft(settings));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (next: GorgiasSettings) => saveGorgiasSettings(workspaceId, next),
    onSuccess: (connection) => {
      setDraft(toSettingsDraft(connection.settings));
      setSaved(true);
      void storeGorgiasConnection(queryClient, workspaceId, connection);
    },
  });
  const errors = formErrors(save.error, KNOWN_FIELDS);
  const set = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => {
    setSaved(false);
    setDraft((current) => ({ ...current, [key]: value }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    save.mutate(fromSettingsDraft(draft));
  };

  const users = account?.users ?? [];
  const teams = account?.teams ?? [];
  const knownTarget =
    draft.handover === '' ||
    users.some((user) => `user:${user.id}` === draft.handover) ||
    teams.some((team) => `team:${team.id}` === draft.handover);
  const [targetKind, targetId] = draft.handover.split(':');

  return (
    <form className="form form--wide gg-settings" aria-label="Gorgias settings" onSubmit={onSubmit} noValidate>
      <fieldset className="form__fieldset" disabled={!canEdit}>
        <fieldset className="checkboxes" aria-describedby={errors.fields.channels ? 'gg-channels-error' : 'gg-channels-hint'}>
          <legend>Channels</legend>
          {GORGIAS_CHANNELS.map((channel) => (
            <label key={channel} className="toggle">
              <input
                type="checkbox"
                checked={draft.channels.includes(channel)}
                onChange={(event) =>
                  set(
                    'channels',
                    event.target.checked ? [...draft.channels, channel] : draft.channels.filter((c) => c !== channel),
                  )
                }
              />
              {channelLabel(channel)}
            </label>
          ))}
        </fieldset>
        <p className="field__hint gg-after-group" id="gg-channels-hint">
          Deskmate leaves tickets on the other channels alone.
        </p>
        {errors.fields.channels ? (
          <p className="field__error" id="gg-channels-error">
            {errors.fields.channels}
          </p>
        ) : null}

        <fieldset className="gg-radios">
          <legend className="field__label">Mode</legend>
          {MODES.map((mode) => (
            <label key={mode} className="toggle">
              <input
                type="radio"
                name="gg-mode"
                value={mode}
                checked={draft.mode === mode}
                onChange={() => set('mode', mode)}
              />
              {MODE_LABELS[mode]}
            </label>
          ))}
          {errors.fields.mode ? <p className="field__error">{errors.fields.mode}</p> : null}
        </fieldset>

        <div className="form__grid">
          <NumberField
            label="Reply delay (seconds)"
            hint={`0 to ${MAX_REPLY_DELAY_SECONDS}. An agent who replies or takes the ticket meanwhile cancels the reply.`}
            error={errors.fields.reply_delay_seconds}
            max={MAX_REPLY_DELAY_SECONDS}
            value={draft.replyDelay}
            onChange={(value) => set('replyDelay', value)}
          />
          <NumberField
            label="Wait for more messages (seconds)"
            hint={`0 to ${MAX_QUIET_SECONDS}. Customers often write in bursts: one answer for all of them.`}
            error={errors.fields.quiet_seconds}
            max={MAX_QUIET_SECONDS}
            value={draft.quiet}
            onChange={(value) => set('quiet', value)}
          />
        </div>

        <div className="field">
          <label className="toggle">
            <input
              type="checkbox"
              checked={draft.handleUnassigned}
              aria-describedby="gg-unassigned-hint"
              onChange={(event) => set('handleUnassigned', event.target.checked)}
            />
            Answer unassigned tickets
          </label>
          <p className="field__hint" id="gg-unassigned-hint">
            Otherwise only tickets assigned to the bot user. Tickets assigned to a person are always left to them.
          </p>
          {errors.fields.handle_unassigned ? <p className="field__error">{errors.fields.handle_unassigned}</p> : null}
        </div>

        <Field
          label="On hand-over assign to"
          hint={account ? undefined : 'Test the connection to list the account’s users and teams.'}
          error={errors.fields.handover_user_id ?? errors.fields.handover_team_id}
        >
          {(control) => (
            <select
              {...control}
              className="select"
              value={draft.handover}
              onChange={(event) => set('handover', event.target.value)}
            >
              <option value="">Unassign</option>
              {knownTarget ? null : (
                <option value={draft.handover}>
                  {targetKind === 'team' ? 'Team' : 'User'} #{targetId}
                </option>
              )}
              {users.length > 0 ? (
                <optgroup label="Users">
                  {users.map((user) => (
                    <option key={user.id} value={`user:${user.id}`}>
                      {user.name ? `${user.name} (${user.email})` : user.email}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {teams.length > 0 ? (
                <optgroup label="Teams">
                  {teams.map((team) => (
                    <option key={team.id} value={`team:${team.id}`}>
                      {team.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          )}
        </Field>

        <fieldset className="gg-group">
          <legend className="field__label">Close tickets after Deskmate’s answer</legend>
          <p className="field__hint">
            Minutes after the answer, when the customer did not write again; 0 never closes. One per channel Deskmate
            answers on.
          </p>
          {draft.channels.length === 0 ? <p className="muted">Choose a channel above first.</p> : null}
          <div className="form__grid">
            {GORGIAS_CHANNELS.filter((channel) => draft.channels.includes(channel)).map((channel) => (
              <NumberField
                key={channel}
                label={`${channelLabel(channel)} (minutes)`}
                hint="0: never."
                error={errors.fields[`auto_close_minutes.${channel}`]}
                max={525_600}
                value={draft.autoClose[channel] ?? '0'}
                onChange={(value) => set('autoClose', { ...draft.autoClose, [channel]: value })}
              />
            ))}
          </div>
          {errors.fields.auto_close_minutes ? <p className="field__error">{errors.fields.auto_close_minutes}</p> : null}
        </fieldset>

        <Field
          label="Signature"
          hint="Ends Deskmate’s e-mail replies. Plain text; each line is kept."
          error={errors.fields.signature}
        >
          {(control) => (
            <textarea
              {...control}
              className="input textarea"
              rows={3}
              value={draft.signature}
              onChange={(event) => set('signature', event.target.value)}
            />
          )}
        </Field>
      </fieldset>
      <FormError message={errors.message} />
      {canEdit ? (
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save settings'}
          </button>
          <SavedNote show={saved && !save.isPending}>Saved. Deskmate uses them on the next ticket.</SavedNote>
          {save.error && Object.keys(errors.fields).length > 0 ? (
            <span className="field__error" role="alert">
              Some settings need a change: see the messages above.
            </span>
          ) : null}
        </div>
      ) : (
        <ReadOnlyNote />
      )}
    </form>
  );
}
