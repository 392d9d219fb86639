import { NavLink, Route, Routes } from 'react-router-dom';
import { HospitalPage } from './hospital-page';
import { HospitalsPage } from './hospitals-page';
import { MessageLogPage } from './message-log-page';
import { MessagePage } from './message-page';

export function ConsoleRoutes() {
  return (
    <>
      <nav aria-label="Console" className="subnav">
        <NavLink to="/console" end>
          Hospitals
        </NavLink>{' '}
        · <NavLink to="/console/messages">Message log</NavLink>
      </nav>
      <Routes>
        <Route index element={<HospitalsPage />} />
        <Route path="hospitals/:hospitalId" element={<HospitalPage />} />
        <Route path="messages" element={<MessageLogPage />} />
        <Route path="messages/:messageId" element={<MessagePage />} />
      </Routes>
    </>
  );
}
