// class-transformer's metadata storage, the one its decorators write to: its package ships the module as
// cjs/storage.js and the declaration as types/storage.d.ts, which classic node resolution does not pair up.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
