import { NavLink, Route, Routes } from 'react-router-dom';
import { useText } from '../../i18n';
import { HospitalPage } from './hospital-page';
import { HospitalsPage } from './hospitals-page';
import { MessageLogPage } from './message-log-page';
import { MessagePage } from './message-page';

export function ConsoleRoutes() {
  const { t } = useText();
  return (
    <>
      <nav aria-label={t('console.nav')} className="subnav">
        <NavLink to="/console" end>
          {t('console.hospitals')}
        </NavLink>{' '}
        · <NavLink to="/console/messages">{t('console.messageLog')}</NavLink>
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
