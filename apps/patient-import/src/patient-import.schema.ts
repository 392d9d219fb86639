export const PATIENT_IMPORT_SCHEMA = 'patient_import';
