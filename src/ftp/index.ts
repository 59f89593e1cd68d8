export { FtpClient } from './client';
export * from './errors';
export * from './entry';
export * from './log';
export * from './options';
export type { FtpReply } from './reply';
export { replyMessage } from './reply';
export { maskCommand } from './control';
export { safeSave, isSafeSaveTemp, type SafeSaveClient, type SafeSaveMemory, type SafeSaveOptions, type SafeSaveResult, type SaveSource } from './safeSave';
