import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { searchKnowledge, type SearchAnswer, type SearchResult } from '../../api/knowledge';
import { errorText } from '../../components/Form';
import { highlightSegments, queryTerms, trimText } from './highlight';

/** How much of a chunk is shown before "Show all". */
const PREVIEW_CHARS = 360;

/** `text` with the query's words in `<mark>`, built from spans: nothing is parsed as HTML. */
export function Highlighted({ text, terms }: { text: string; terms: readonly string[] }) {
  return (
    <>
      {highlightSegments(text, terms).map((segment, index) =>
        segment.match ? (
          <mark key={index} className="kb-mark">
            {segment.text}
          </mark>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </>
  );
}

function rank(value: number): string {
  return value > 0 ? `#${value}` : '—';
}

function ResultItem({ result, position, terms }: { result: SearchResult; position: number; terms: readonly string[] }) {
  const [expanded, setExpanded] = useState(false);
  const preview = trimText(result.text, PREVIEW_CHARS);
  const heading = result.title_path || result.title || 'Untitled';
  const headingId = useId();
  return (
    <li className="kb-result" aria-labelledby={headingId}>
      <div className="kb-result__head">
        <span className="kb-result__position" aria-hidden="true">
          {position}
        </span>
        <div className="kb-result__titles">
          <h3 className="kb-result__title" id={headingId}>
            {heading}
          </h3>
          {result.title_path && result.title && !result.title_path.startsWith(result.title) ? (
            <p className="kb-result__doc muted">{result.title}</p>
          ) : null}
          {result.url ? (
            <a className="kb-result__url" href={result.url} target="_blank" rel="noreferrer noopener">
              {result.url}
            </a>
          ) : null}
        </div>
        <dl className="kb-scores" aria-label="Scores">
          <div className="kb-scores__item" title="Fused score of both searches">
            <dt>Score</dt>
            <dd>{result.score.toFixed(4)}</dd>
          </div>
          <div className="kb-scores__item" title={`Meaning (vector) search: similarity ${result.vector_score.toFixed(3)}`}>
            <dt>Meaning</dt>
            <dd>{rank(result.vector_rank)}</dd>
          </div>
          <div className="kb-scores__item" title={`Word (full text) search: score ${result.text_score.toFixed(3)}`}>
            <dt>Words</dt>
            <dd>{rank(result.text_rank)}</dd>
          </div>
        </dl>
      </div>
      <p className="kb-result__text">
        <Highlighted text={expanded ? result.text : preview.text} terms={terms} />
      </p>
      {preview.trimmed ? (
        <button type="button" className="link-button kb-result__more" onClick={() => setExpanded((open) => !open)}>
          {expanded ? 'Show less' : 'Show all'}
        </button>
      ) : null}
    </li>
  );
}

function Results({ answer, query }: { answer: SearchAnswer; query: string }) {
  const terms = queryTerms(query);
  if (answer.results.length === 0) {
    return (
      <p className="muted" role="status">
        Nothing found for “{query}”.
      </p>
    );
  }
  return (
    <>
      <p className="kb-search__summary muted" role="status">
        {answer.results.length === 1 ? '1 result' : `${answer.results.length} results`} in {Math.round(answer.took_ms)} ms
      </p>
      <ol className="kb-results" aria-label="Search results">
        {answer.results.map((result, index) => (
          <ResultItem key={result.chunk_id} result={result} position={index + 1} terms={terms} />
        ))}
      </ol>
    </>
  );
}

interface SearchPanelProps {
  workspaceId: string;
  /** Searches only this knowledge base; every knowledge base of the workspace when absent. */
  knowledgeBaseId?: string;
  title?: string;
}

/** A search box over the knowledge, showing the chunks the agent would get for a question. */
export function SearchPanel({ workspaceId, knowledgeBaseId, title = 'Search' }: SearchPanelProps) {
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const inputId = useId();
  const titleId = useId();

  const search = useMutation({
    mutationFn: (text: string) =>
      searchKnowledge(workspaceId, {
        query: text,
        limit: 8,
        ...(knowledgeBaseId ? { knowledge_base_ids: [knowledgeBaseId] } : {}),
      }),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = query.trim();
    if (text === '') {
      return;
    }
    setSearched(text);
    search.mutate(text);
  };

  return (
    <section className="panel kb-search" aria-labelledby={titleId}>
      <h2 className="panel__title" id={titleId}>
        {title}
      </h2>
      <p className="panel__text muted">Ask a question as a customer would: these are the passages the agent would read.</p>
      <form className="kb-search__form" role="search" onSubmit={onSubmit}>
        <label className="visually-hidden" htmlFor={inputId}>
          Search question
        </label>
        <input
          id={inputId}
          className="input"
          type="search"
          placeholder="How long do I have to return an item?"
          autoComplete="off"
          maxLength={1000}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" className="button button--primary" disabled={search.isPending || query.trim() === ''}>
          {search.isPending ? 'Searching…' : 'Search'}
        </button>
      </form>
      {search.error ? (
        <div className="notice notice--danger" role="alert">
          Search failed. {errorText(search.error)}
        </div>
      ) : null}
      {search.data && !search.isPending ? <Results answer={search.data} query={searched} /> : null}
    </section>
  );
}
