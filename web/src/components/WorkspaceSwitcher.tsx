import { useId } from 'react';
import { useCurrentWorkspace } from '../workspace';

/** The header's choice of the current workspace. */
export function WorkspaceSwitcher() {
  const { workspaces, current, select } = useCurrentWorkspace();
  const id = useId();
  if (current === null) {
    return <span className="switcher switcher--empty">No workspace yet</span>;
  }
  return (
    <div className="switcher">
      <label className="switcher__label" htmlFor={id}>
        Workspace
      </label>
      <select id={id} className="select switcher__select" value={current.id} onChange={(event) => select(event.target.value)}>
        {workspaces.map((workspace) => (
          <option key={workspace.id} value={workspace.id}>
            {workspace.name}
          </option>
        ))}
      </select>
    </div>
  );
}
