/** The sections of the Deskmate admin, in navigation order. */

/** One page reachable from the navigation. */
export interface Section {
  /** Route path, for example `/knowledge`. */
  path: string;
  /** Name shown in the navigation and as the page heading. */
  label: string;
  /** One sentence saying what the section is for. */
  description: string;
  /** Whether the section works in this version; the others show a placeholder. */
  available: boolean;
}

/** A labelled group of sections in the navigation. */
export interface NavGroup {
  label: string;
  sections: readonly Section[];
}

export const navGroups: readonly NavGroup[] = [
  {
    label: 'Start',
    sections: [
      {
        path: '/',
        label: 'Getting started',
        description:
          'The steps from a new workspace to Deskmate answering customers: knowledge, automations, a test in the playground, Gorgias, drafts, then auto-pilot.',
        available: true,
      },
    ],
  },
  {
    label: 'Configure',
    sections: [
      {
        path: '/knowledge',
        label: 'Knowledge',
        description: 'Knowledge bases: documents, URLs and FAQs the agent answers from.',
        available: true,
      },
      {
        path: '/automations',
        label: 'Automations',
        description:
          'Rules that decide which tickets the agent handles and what it does with them: reply, draft, tag or hand over.',
        available: true,
      },
      {
        path: '/instructions',
        label: 'Instructions',
        description: 'Guidance for the agent: tone of voice, store policies and when to escalate to a person.',
        available: true,
      },
      {
        path: '/tags',
        label: 'Tags',
        description: 'The Gorgias tags the agent may apply, and what each one means, so tickets are classified consistently.',
        available: true,
      },
      {
        path: '/gorgias',
        label: 'Gorgias',
        description:
          'The connection to your Gorgias helpdesk: account and credentials, the bot user, how Deskmate answers, and what it did on tickets.',
        available: true,
      },
    ],
  },
  {
    label: 'Review',
    sections: [
      {
        path: '/playground',
        label: 'Playground',
        description:
          'Chat with the agent as a customer would and see its answer or hand-over, the sources it used and the trace of how it decided.',
        available: true,
      },
      {
        path: '/sandbox',
        label: 'Sandbox',
        description:
          'A Gorgias helpdesk emulated inside Deskmate: write as a customer, watch Deskmate answer, tag and hand over, and try its sidebar widget.',
        available: true,
      },
      {
        path: '/conversations',
        label: 'Conversations',
        description:
          'Every decision the agent took on a ticket or a playground conversation, with the reasons, sources and trace behind it.',
        available: true,
      },
      {
        path: '/insights',
        label: 'Insights',
        description: 'How the agent is doing: tickets handled, automation rate, response times, escalations and topics.',
        available: false,
      },
    ],
  },
  {
    label: 'System',
    sections: [
      {
        path: '/workspaces',
        label: 'Workspaces',
        description:
          'Each workspace handles the tickets of one Gorgias account that carry its tags, with its own settings and members.',
        available: true,
      },
      {
        path: '/settings',
        label: 'Settings',
        description:
          'Settings of the current workspace: its name and tags, the agent’s behaviour, language model, members, API tokens and audit log.',
        available: true,
      },
      {
        path: '/status',
        label: 'Status',
        description: 'Health of this Deskmate server: its database, job queue and version.',
        available: true,
      },
    ],
  },
];

/** Every section, flattened, in navigation order. */
export const sections: readonly Section[] = navGroups.flatMap((group) => group.sections);

/** The page the app opens on: Getting started. */
export const HOME_PATH = '/';
