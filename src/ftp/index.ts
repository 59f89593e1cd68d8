export { FtpClient } from './client';
export * from './errors';
export * from './entry';
export * from './log';
export * from './options';
export type { FtpReply } from './reply';
export { replyMessage } from './reply';
export { maskCommand } from './control';
