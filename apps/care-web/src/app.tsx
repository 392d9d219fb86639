import { NavLink, Navigate, Outlet, Route, Routes } from 'react-router-dom';
import { ConsoleRoutes } from './pages/console/console-routes';
import { ImportPage } from './pages/import-page';
import { LoginPage } from './pages/login-page';
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

/** Everything but the login page needs a session; hospital screens need a hospital, the console needs admin. */
function SignedIn() {
  const session = useSession();
  if (!session.info) return <Navigate to="/login" replace />;
  const isHospital = session.info.hospitalId !== null;
  return (
    <>
      <header>
        <nav aria-label="Main">
          <span className="brand">Careflow Bridge</span>
          {isHospital && <NavLink to="/patients">Patients</NavLink>}
          {isHospital && session.can('imports') && <NavLink to="/import">Import patient</NavLink>}
          {session.can('admin') && <NavLink to="/console">Integration console</NavLink>}
          <button className="link" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </nav>
      </header>
      <main>
        <Outlet />
      </main>
    </>
  );
}
