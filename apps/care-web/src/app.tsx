import { NavLink, Navigate, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { LanguageSwitch, useText } from './i18n';
import { OwnHospitalTimeZone } from './i18n/dates';
import { ConsoleRoutes } from './pages/console/console-routes';
import { ImportPage } from './pages/import-page';
import { LoginPage, type LoginState } from './pages/login-page';
import { PatientPage } from './pages/patient-page';
import { PatientsPage } from './pages/patients-page';
import { useSession } from './session';

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<SignedIn />}>
        <Route path="/patients" element={<PatientsPage />} />
        <Route path="/patients/:patientId" element={<PatientPage />} />
        <Route path="/import" element={<ImportPage />} />
        <Route path="/console/*" element={<ConsoleRoutes />} />
      </Route>
      <Route path="*" element={<Navigate to="/patients" replace />} />
    </Routes>
  );
}

/**
 * Everything but the login page needs a session; hospital screens need a hospital, the console needs admin.
 * Without one (never signed in, expired, ended elsewhere) the user goes to sign-in and comes back here after.
 */
function SignedIn() {
  const session = useSession();
  const location = useLocation();
  const { t } = useText();
  if (!session.info) {
    const state: LoginState = {
      from: `${location.pathname}${location.search}${location.hash}`,
      expired: session.expired,
    };
    return <Navigate to="/login" replace state={state} />;
  }
  const isHospital = session.info.hospitalId !== null;
  return (
    <OwnHospitalTimeZone hospitalId={session.info.hospitalId}>
      <header>
        <nav aria-label={t('nav.main')}>
          <span className="brand">{t('nav.brand')}</span>
          {isHospital && <NavLink to="/patients">{t('nav.patients')}</NavLink>}
          {isHospital && session.can('imports') && <NavLink to="/import">{t('nav.import')}</NavLink>}
          {session.can('admin') && <NavLink to="/console">{t('nav.console')}</NavLink>}
          <LanguageSwitch />
          <button className="link" onClick={() => void session.signOut()}>
            {t('nav.signOut')}
          </button>
        </nav>
      </header>
      <main>
        <Outlet />
      </main>
    </OwnHospitalTimeZone>
  );
}
