import type * as net from 'node:net';
import { prematureClose } from './errors';

/**
 * Resolves on the socket's `event` ('drain', or 'end' of what it sends); rejects when it fails or closes first,
 * or has closed already. Every wait on a data socket must end on one of these: a socket that is gone sends no
 * further 'drain' or 'end', and a wait that listened only for those would never settle.
 */
export function socketEvent(socket: net.Socket, event: 'drain' | 'end'): Promise<void> {
  if (event === 'end' && socket.readableEnded) return Promise.resolve();
  if (socket.destroyed) return Promise.reject(socket.errored ?? prematureClose());
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      socket.off(event, onEvent);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onEvent = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(prematureClose());
    socket.once(event, onEvent);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}
