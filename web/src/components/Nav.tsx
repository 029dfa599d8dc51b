import { NavLink } from 'react-router';
import { navGroups } from '../sections';

/** The main navigation. The link of the current page gets `aria-current="page"`. */
export function Nav() {
  return (
    <nav className="nav" aria-label="Main">
      {navGroups.map((group) => {
        const headingId = `nav-group-${group.label.toLowerCase()}`;
        return (
          <div className="nav__group" key={group.label}>
            <h2 className="nav__group-label" id={headingId}>
              {group.label}
            </h2>
            <ul className="nav__list" aria-labelledby={headingId}>
              {group.sections.map((section) => (
                <li key={section.path}>
                  <NavLink
                    to={section.path}
                    end={section.path === '/'}
                    className={({ isActive }) => (isActive ? 'nav__link nav__link--active' : 'nav__link')}
                  >
                    {section.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
