import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  MAX_INSTRUCTION_TEXT,
  MAX_INSTRUCTION_TITLE,
  createInstruction,
  deleteInstruction,
  fetchInstructionRevisions,
  fetchInstructions,
  instructionKeys,
  invalidateInstruction,
  invalidateInstructions,
  reorderInstructions,
  updateInstruction,
  type Instruction,
  type InstructionInput,
  type InstructionRevision,
} from '../../api/instructions';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormError, errorText, formErrors } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { formatDateTime, isoOf } from '../../format';
import { canEdit } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { CharCounter } from '../automations/shared';
import '../automations/automations.css';

const FIELDS = ['title', 'text', 'enabled'] as const;

interface FormProps {
  workspaceId: string;
  instruction: Instruction | null;
  onDone: () => void;
}

/** Adds an instruction, or edits one. */
function InstructionForm({ workspaceId, instruction, onDone }: FormProps) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(instruction?.title ?? '');
  const [text, setText] = useState(instruction?.text ?? '');
  const [enabled, setEnabled] = useState(instruction?.enabled ?? true);
  const save = useMutation({
    mutationFn: (input: InstructionInput) =>
      instruction ? updateInstruction(workspaceId, instruction.id, input) : createInstruction(workspaceId, input),
    onSuccess: (saved) => {
      void invalidateInstruction(queryClient, workspaceId, saved.id);
      onDone();
    },
  });
  const errors = formErrors(save.error, FIELDS);
  const label = instruction ? `Edit ${instruction.title}` : 'New instruction';

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ title: title.trim(), text, enabled });
  };

  return (
    <div className="panel form-panel">
      <FormError message={errors.message} />
      <form className="form form--wide" onSubmit={onSubmit} noValidate aria-label={label}>
        <Field label="Title" error={errors.fields.title}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              maxLength={MAX_INSTRUCTION_TITLE}
              value={title}
              onChange={(event) => setTitle(event.target.value)}
            />
          )}
        </Field>
        <Field label="Instruction" error={errors.fields.text}>
          {(control) => (
            <>
                <textarea
                  {...control}
                  className="input textarea textarea--tall"
                  value={text}
                  onChange={(event) => setText(event.target.value)}
                />
                <CharCounter length={text.length} max={MAX_INSTRUCTION_TEXT} />
            </>
          )}
        </Field>
        <label className="toggle">
          <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
          Enabled
        </label>
        {errors.fields.enabled ? <p className="field__error">{errors.fields.enabled}</p> : null}
        <div className="form__actions">
          <button
            type="submit"
            className="button button--primary"
            disabled={save.isPending || text.length > MAX_INSTRUCTION_TEXT}
          >
            {save.isPending ? 'Saving…' : instruction ? 'Save' : 'Add instruction'}
          </button>
          <button type="button" className="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/**
 * The saved versions of one instruction, newest first. Editors can restore an older one: it is
 * saved again as the newest version, so nothing in the history is lost.
 */
function Revisions({ workspaceId, instruction, canEdit }: { workspaceId: string; instruction: Instruction; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: instructionKeys.revisions(workspaceId, instruction.id),
    queryFn: ({ signal }) => fetchInstructionRevisions(workspaceId, instruction.id, signal),
  });
  const restore = useMutation({
    mutationFn: (revision: InstructionRevision) =>
      updateInstruction(workspaceId, instruction.id, { title: revision.title, text: revision.text }),
    onSuccess: () => {
      void invalidateInstruction(queryClient, workspaceId, instruction.id);
    },
  });
  return (
    <QueryState data={query.data} error={query.error} what="the history">
      {(revisions) => (
        <>
        {restore.error ? (
          <div className="notice notice--danger" role="alert">
            {errorText(restore.error)}
          </div>
        ) : null}
        <ol className="revisions" aria-label={`History of ${instruction.title}`}>
          {revisions.map((revision) => (
            <li key={revision.version}>
              <p className="revision__meta">
                Version {revision.version} · <time dateTime={isoOf(revision.saved_at)}>{formatDateTime(revision.saved_at)}</time>
                {revision.saved_by ? ` · ${revision.saved_by}` : ''}
                {revision.enabled ? '' : ' · disabled'}
              </p>
              <p className="table__primary">{revision.title}</p>
              <p className="am-pre">{revision.text}</p>
              {canEdit && revision.version !== instruction.version ? (
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Restore version ${revision.version} of ${instruction.title}`}
                  disabled={restore.isPending}
                  onClick={() => restore.mutate(revision)}
                >
                  Restore this version
                </button>
              ) : null}
            </li>
          ))}
        </ol>
        </>
      )}
    </QueryState>
  );
}

interface ItemProps {
  workspaceId: string;
  instruction: Instruction;
  index: number;
  count: number;
  canEdit: boolean;
  busy: boolean;
  onMove: (index: number, by: -1 | 1) => void;
}

function InstructionItem({ workspaceId, instruction, index, count, canEdit, busy, onMove }: ItemProps) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [history, setHistory] = useState(false);
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => updateInstruction(workspaceId, instruction.id, { enabled }),
    onSuccess: () => void invalidateInstructions(queryClient, workspaceId),
  });
  const remove = useMutation({
    mutationFn: () => deleteInstruction(workspaceId, instruction.id),
    onSuccess: () => void invalidateInstructions(queryClient, workspaceId),
  });
  const error = toggle.error ?? remove.error;

  if (editing) {
    return (
      <li>
        <InstructionForm workspaceId={workspaceId} instruction={instruction} onDone={() => setEditing(false)} />
      </li>
    );
  }

  return (
    <li className={instruction.enabled ? 'panel instruction' : 'panel instruction instruction--disabled'}>
      <div className="instruction__head">
        <h2 className="instruction__title">
          <span className="muted">{index + 1}.</span> {instruction.title}{' '}
          {instruction.enabled ? <Badge tone="ok">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}
        </h2>
        <div className="am-actions">
          {canEdit ? (
            <>
              <label className="toggle">
                <input
                  type="checkbox"
                  checked={instruction.enabled}
                  disabled={toggle.isPending}
                  aria-label={`Enabled: ${instruction.title}`}
                  onChange={(event) => toggle.mutate(event.target.checked)}
                />
                Enabled
              </label>
              <button
                type="button"
                className="button button--small"
                aria-label={`Move ${instruction.title} up`}
                disabled={busy || index === 0}
                onClick={() => onMove(index, -1)}
              >
                ↑ Up
              </button>
              <button
                type="button"
                className="button button--small"
                aria-label={`Move ${instruction.title} down`}
                disabled={busy || index === count - 1}
                onClick={() => onMove(index, 1)}
              >
                ↓ Down
              </button>
              <button
                type="button"
                className="button button--small"
                aria-label={`Edit ${instruction.title}`}
                onClick={() => setEditing(true)}
              >
                Edit
              </button>
            </>
          ) : null}
          <button
            type="button"
            className="button button--small button--quiet"
            aria-expanded={history}
            aria-label={`History of ${instruction.title}`}
            onClick={() => setHistory((open) => !open)}
          >
            History (v{instruction.version})
          </button>
          {canEdit ? (
            <ConfirmButton
              label="Delete"
              accessibleLabel={`Delete ${instruction.title}`}
              question={`Delete ${instruction.title} and its history?`}
              busy={remove.isPending}
              onConfirm={() => remove.mutate()}
            />
          ) : null}
        </div>
      </div>
      <p className="instruction__text">{instruction.text}</p>
      <p className="counter">
        {instruction.text.length} / {MAX_INSTRUCTION_TEXT} characters
      </p>
      {error ? (
        <div className="notice notice--danger" role="alert">
          {errorText(error)}
        </div>
      ) : null}
      {history ? <Revisions workspaceId={workspaceId} instruction={instruction} canEdit={canEdit} /> : null}
    </li>
  );
}

/** The workspace's instructions for the agent, in the order they are given to it. */
export function InstructionsPage() {
  const { current, role } = useCurrentWorkspace();
  const workspaceId = current?.id ?? '';
  const editable = canEdit(role);
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const list = useQuery({
    queryKey: instructionKeys.list(workspaceId),
    queryFn: ({ signal }) => fetchInstructions(workspaceId, signal),
    enabled: workspaceId !== '',
  });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => reorderInstructions(workspaceId, ids),
    onSuccess: (ordered) => queryClient.setQueryData(instructionKeys.list(workspaceId), ordered),
  });

  if (current === null) {
    return <NoWorkspace title="Instructions" />;
  }

  const onMove = (index: number, by: -1 | 1) => {
    const ids = (list.data ?? []).map((instruction) => instruction.id);
    const other = index + by;
    const a = ids[index];
    const b = ids[other];
    if (a === undefined || b === undefined) {
      return;
    }
    ids[index] = b;
    ids[other] = a;
    reorder.mutate(ids);
  };

  return (
    <div key={workspaceId}>
      <PageHeader
        title="Instructions"
        description="Guidance the agent follows on every ticket of this workspace, in this order: tone of voice, store policies, when to hand over."
        actions={
          editable && !adding ? (
            <button type="button" className="button button--primary" onClick={() => setAdding(true)}>
              New instruction
            </button>
          ) : null
        }
      />
      <div className="am-layout">
        {reorder.error ? (
          <div className="notice notice--danger" role="alert">
            Could not change the order. {errorText(reorder.error)}
          </div>
        ) : null}
        {adding ? <InstructionForm workspaceId={workspaceId} instruction={null} onDone={() => setAdding(false)} /> : null}
        <QueryState data={list.data} error={list.error} what="the instructions">
          {(instructions) =>
            instructions.length === 0 ? (
              <section className="panel panel--empty" aria-label="No instructions">
                <p className="panel__text">No instructions yet.</p>
              </section>
            ) : (
              <ol className="instructions" aria-label="Instructions">
                {instructions.map((instruction, index) => (
                  <InstructionItem
                    key={instruction.id}
                    workspaceId={workspaceId}
                    instruction={instruction}
                    index={index}
                    count={instructions.length}
                    canEdit={editable}
                    busy={reorder.isPending}
                    onMove={onMove}
                  />
                ))}
              </ol>
            )
          }
        </QueryState>
      </div>
    </div>
  );
}
