import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { fetchGettingStarted, gettingStartedKeys, type GettingStartedStep, type StepKey } from '../../api/gettingStarted';
import { Badge } from '../../components/Badge';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { useCurrentWorkspace } from '../../workspace';
import './start.css';

const DESCRIPTION =
  'From a new workspace to Deskmate answering customers on its own, one step at a time. Each step says where it is done.';

interface StepGuide {
  title: string;
  text: ReactNode;
  /** Where the step is done. */
  to: string;
  action: string;
}

const GUIDES: Record<StepKey, StepGuide> = {
  knowledge: {
    title: 'Add knowledge',
    text: 'Documents, web pages and FAQs about your store: Deskmate answers only from what it finds there.',
    to: '/knowledge',
    action: 'Go to Knowledge',
  },
  automations: {
    title: 'Set up automations',
    text: 'Fixed answers for the questions that come back every day, such as “where is my order?”, with the tags and the follow-up they need.',
    to: '/automations',
    action: 'Go to Automations',
  },
  playground: {
    title: 'Try it in the playground',
    text: 'Write as a customer would and check each answer, hand-over and source before any customer sees one.',
    to: '/playground',
    action: 'Go to the Playground',
  },
  gorgias: {
    title: 'Connect Gorgias',
    text: (
      <>
        Credentials, a bot user, the channels Deskmate answers on, then Connect. To try it without a Gorgias account
        first, use the <Link to="/sandbox">Sandbox</Link>: a helpdesk emulated inside Deskmate.
      </>
    ),
    to: '/gorgias',
    action: 'Go to Gorgias',
  },
  drafts: {
    title: 'Answer the first tickets in draft mode',
    text: 'Deskmate writes its answers as internal notes; your team reads them and sends those that are right.',
    to: '/gorgias',
    action: 'See the activity',
  },
  autopilot: {
    title: 'Switch to auto-pilot',
    text: 'Once the drafts are right, let Deskmate reply to customers itself as the bot user, and hand over what it cannot answer.',
    to: '/gorgias',
    action: 'Change the mode',
  },
};

function guideOf(key: string): StepGuide | null {
  return key in GUIDES ? GUIDES[key as StepKey] : null;
}

function Step({ step, index, next }: { step: GettingStartedStep; index: number; next: boolean }) {
  const guide = guideOf(step.key);
  const titleId = `start-step-${step.key}`;
  return (
    <li
      className={step.done ? 'start-step start-step--done' : next ? 'start-step start-step--next' : 'start-step'}
      aria-labelledby={titleId}
      data-testid="getting-started-step"
      data-step={step.key}
    >
      <span className="start-step__number" aria-hidden="true">
        {step.done ? '✓' : index + 1}
      </span>
      <div className="start-step__body">
        <div className="start-step__head">
          <h2 className="start-step__title" id={titleId}>
            {guide?.title ?? step.key}
          </h2>
          {step.done ? (
            <Badge tone="ok">Done</Badge>
          ) : next ? (
            <Badge tone="warning">Next</Badge>
          ) : (
            <Badge tone="neutral">To do</Badge>
          )}
        </div>
        {guide ? <p className="start-step__text">{guide.text}</p> : null}
        {step.detail ? <p className="start-step__detail">{step.detail}</p> : null}
        {guide ? (
          <p className="start-step__link">
            <Link to={guide.to}>{guide.action}</Link>
          </p>
        ) : null}
      </div>
    </li>
  );
}

function Checklist({ steps }: { steps: readonly GettingStartedStep[] }) {
  const done = steps.filter((step) => step.done).length;
  const next = steps.findIndex((step) => !step.done);
  return (
    <>
      <p className="start-progress" role="status">
        {done === steps.length ? 'Every step is done: Deskmate answers on its own.' : `${done} of ${steps.length} steps done.`}
      </p>
      <ol className="start-steps" aria-label="Steps">
        {steps.map((step, index) => (
          <Step key={step.key} step={step} index={index} next={index === next} />
        ))}
      </ol>
    </>
  );
}

/** The home page: what is done and what comes next in the current workspace. */
export function GettingStartedPage() {
  const { current } = useCurrentWorkspace();
  const id = current?.id ?? '';
  const query = useQuery({
    queryKey: gettingStartedKeys.steps(id),
    queryFn: ({ signal }) => fetchGettingStarted(id, signal),
    enabled: id !== '',
  });
  if (current === null) {
    return <NoWorkspace title="Getting started" description={DESCRIPTION} singular />;
  }
  return (
    <>
      <PageHeader title="Getting started" description={DESCRIPTION} />
      <QueryState data={query.data} error={query.error} what="the steps">
        {(steps) => <Checklist steps={steps} />}
      </QueryState>
    </>
  );
}
