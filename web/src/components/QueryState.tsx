import type { ReactNode } from 'react';
import { errorText } from './Form';

interface QueryStateProps<T> {
  data: T | undefined;
  error: Error | null;
  /** What is loading, for the messages: "the members". */
  what: string;
  children: (data: T) => ReactNode;
}

/** Renders `children` with the data of a query, or its loading state or error. */
export function QueryState<T>({ data, error, what, children }: QueryStateProps<T>) {
  if (data !== undefined) {
    return <>{children(data)}</>;
  }
  if (error) {
    return (
      <div className="notice notice--danger" role="alert">
        Could not load {what}. {errorText(error)}
      </div>
    );
  }
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}
