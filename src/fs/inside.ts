import path from 'node:path';

/**
 * Whether `file` is `dir` itself or inside it, by path alone (no symlinks followed). A name that
 * merely starts with two dots (`..cache`) is inside; `..` and `../x` are not, nor another drive.
 * `paths` is `path.posix` for paths that are always slash-separated (a polling mount's).
 */
export function isInside(dir: string, file: string, paths: path.PlatformPath = path): boolean {
  const relative = paths.relative(dir, file);
  return (
    relative === '' || (relative !== '..' && !relative.startsWith(`..${paths.sep}`) && !paths.isAbsolute(relative))
  );
}
