/**
 * Paths VS Code (and common extensions) look for on their own in every workspace folder: `.vscode/settings.json`,
 * `.git`, `node_modules`, `.devcontainer`, ... On an FTP site they almost never exist, so a stat of them is
 * answered from the listing of the directory that would hold the first such segment (one LIST, usually cached
 * already), never by listing a directory that does not exist, and a "not found" for them is quiet: no log line
 * and no notification. No vscode import.
 *
 * The list is what VS Code 1.139 (the workbench code-server 4.139 ships) reads in a workspace folder by itself:
 * settings, tasks and launch configurations (.vscode), MCP servers (.mcp.json, .vscode/mcp.json), chat
 * customizations (AGENTS.md, CLAUDE.md, CLAUDE.local.md, .github/copilot-instructions.md, .github/prompts,
 * .github/instructions, .github/agents, .github/hooks, .github/skills, .agents/skills, .claude/...: see
 * promptFileLocations.ts in VS Code's chat/common/promptSyntax/config), dev containers; and what common
 * extensions look for (.git, node_modules, package.json, tsconfig.json, ...).
 */
import { normalizePath } from './uri';

export const PROBE_SEGMENTS: ReadonlySet<string> = new Set([
  '.vscode',
  '.git',
  '.svn',
  '.hg',
  '.bzr',
  'node_modules',
  '.devcontainer',
  '.devcontainer.json',
  '.github',
  '.gitignore',
  '.gitattributes',
  '.gitmodules',
  '.editorconfig',
  '.prettierrc',
  '.eslintrc',
  '.eslintrc.json',
  'jsconfig.json',
  'tsconfig.json',
  'package.json',
  '.env',
  'launch.json',
  'tasks.json',
  'settings.json',
  'extensions.json',
  '.code-workspace',
  'pyvenv.cfg',
  '.venv',
  '.idea',
  '.mcp.json',
  'AGENTS.md',
  'CLAUDE.md',
  'CLAUDE.local.md',
  '.agents',
  '.claude',
  '.claude-plugin',
]);

/**
 * The prefix of `path` up to and including its first probe segment (e.g. `/www/.vscode` for
 * `/www/.vscode/settings.json`), or undefined when the path has no probe segment.
 */
export function probeAnchor(path: string): string | undefined {
  const segs = normalizePath(path).split('/').slice(1);
  for (let i = 0; i < segs.length; i++) {
    if (PROBE_SEGMENTS.has(segs[i])) return '/' + segs.slice(0, i + 1).join('/');
  }
  return undefined;
}

export function isProbe(path: string): boolean {
  return probeAnchor(path) !== undefined;
}
