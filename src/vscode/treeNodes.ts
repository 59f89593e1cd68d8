/** The rows of the FTP Explorer view (tree.ts): a connection, a file or folder of it, or a message in its place. */
import * as vscode from 'vscode';
import type { FileEntry } from '../ftp';
import type { ConnectionConfig } from '../remote/config';
import { SCHEME } from '../remote/uri';

export class ConnectionNode {
  readonly kind = 'connection';
  constructor(
    public config: ConnectionConfig,
    readonly oneOff: boolean,
  ) {}
  get name(): string {
    return this.config.name;
  }
}

export class EntryNode {
  readonly kind = 'entry';
  constructor(
    readonly connection: ConnectionNode,
    readonly path: string,
    readonly isDir: boolean,
    readonly isLink: boolean,
    readonly parent: ConnectionNode | EntryNode,
    /** What the listing this row was made from says of it (for its tooltip). */
    readonly listed?: FileEntry,
  ) {}
  get name(): string {
    return this.connection.name;
  }
  get uri(): vscode.Uri {
    return vscode.Uri.from({ scheme: SCHEME, authority: this.connection.name, path: this.path });
  }
}

export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly text: string,
    readonly parent: ConnectionNode | EntryNode,
    readonly command?: vscode.Command,
  ) {}
}

export type Node = ConnectionNode | EntryNode | MessageNode;
