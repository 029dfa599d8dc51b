import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  MAX_DOCUMENT_TITLE,
  fetchDocumentText,
  invalidateDocuments,
  knowledgeKeys,
  updateDocument,
  type DocumentChanges,
  type KnowledgeDocument,
} from '../../api/knowledge';
import { Field, FormError, formErrors } from '../../components/Form';
import { QueryState } from '../../components/QueryState';

const FIELDS = ['title', 'text'] as const;

interface DocumentEditorProps {
  workspaceId: string;
  kbId: string;
  doc: KnowledgeDocument;
  /** Called after a save (with a message) or a cancel (without). */
  onDone: (message?: string) => void;
}

/**
 * Edits a document in place: the title and text of pasted text (saving re-ingests it; only
 * changed chunks are embedded again), the title of other documents.
 */
export function DocumentEditor({ workspaceId, kbId, doc, onDone }: DocumentEditorProps) {
  const isText = doc.source_type === 'text';
  const full = useQuery({
    queryKey: knowledgeKeys.documentText(workspaceId, kbId, doc.id),
    queryFn: ({ signal }) => fetchDocumentText(workspaceId, kbId, doc.id, signal),
    enabled: isText,
  });
  if (!isText) {
    return <EditorForm workspaceId={workspaceId} kbId={kbId} doc={doc} onDone={onDone} />;
  }
  return (
    <QueryState data={full.data} error={full.error} what="the document's text">
      {(text) => <EditorForm workspaceId={workspaceId} kbId={kbId} doc={doc} onDone={onDone} text={text} />}
    </QueryState>
  );
}

interface DocumentFieldsProps {
  title: string;
  onTitle: (title: string) => void;
  /** The text, for text documents; undefined leaves the field out. */
  text: string | undefined;
  onText: (text: string) => void;
  errors: Record<string, string>;
  rows: number;
}

/** The title and, for text documents, the text of a document, as added and as edited. */
export function DocumentFields({ title, onTitle, text, onText, errors, rows }: DocumentFieldsProps) {
  return (
    <>
      <Field label="Title" error={errors.title}>
        {(control) => (
          <input
            {...control}
            className="input"
            type="text"
            maxLength={MAX_DOCUMENT_TITLE}
            value={title}
            onChange={(event) => onTitle(event.target.value)}
          />
        )}
      </Field>
      {text !== undefined ? (
        <Field label="Text" hint="Plain text or Markdown; headings help the agent find the right part." error={errors.text}>
          {(control) => (
            <textarea
              {...control}
              className="input kb-textarea"
              rows={rows}
              value={text}
              onChange={(event) => onText(event.target.value)}
            />
          )}
        </Field>
      ) : null}
    </>
  );
}

function EditorForm({ workspaceId, kbId, doc, onDone, text: initialText }: DocumentEditorProps & { text?: string }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(doc.title);
  const [text, setText] = useState(initialText ?? '');
  const save = useMutation({
    mutationFn: (changes: DocumentChanges) => updateDocument(workspaceId, kbId, doc.id, changes),
    onSuccess: (saved) => {
      void invalidateDocuments(queryClient, workspaceId, kbId);
      onDone(`Saved “${saved.title || title}”.${initialText !== undefined && text !== initialText ? ' Its changed parts are being embedded again.' : ''}`);
    },
  });
  const errors = formErrors(save.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const changes: DocumentChanges = {};
    if (title.trim() !== doc.title) {
      changes.title = title.trim();
    }
    if (initialText !== undefined && text !== initialText) {
      changes.text = text;
    }
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    save.mutate(changes);
  };

  return (
    <form className="form form--wide" onSubmit={onSubmit} noValidate aria-label={`Edit ${doc.title || doc.filename || doc.url}`}>
      <FormError message={errors.message} />
      <DocumentFields
        title={title}
        onTitle={setTitle}
        text={initialText !== undefined ? text : undefined}
        onText={setText}
        errors={errors.fields}
        rows={14}
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={() => onDone()} disabled={save.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
