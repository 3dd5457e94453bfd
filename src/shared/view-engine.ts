import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

/**
 * The EJS engine the app renders its views with. EJS finds an include's file again on every
 * render, with a file-system check per `include(…)` call (over a hundred on a Run Checks page with
 * rows open), even when the compiled templates are cached. Its file loader, the hook EJS offers to
 * preprocess a template's source, here turns each literal include path into the absolute file
 * it names, which EJS then uses without a check. The paths are resolved when a template is
 * compiled, so with the view cache (production) once, and without it (development) on every
 * render, where a moved or edited file is found again as before.
 */

/** `include('…')` with a literal path, as every view writes it; a path held in a variable is left alone. */
const literalInclude = /\binclude\(\s*'([^'\\]+)'/g;

/**
 * `source` (the template in `file`) with each literal relative include path replaced by the
 * absolute file EJS would resolve it to. A path whose file is not there is left as written, so
 * EJS reports it as it always has.
 */
export function resolveIncludes(file: string, source: string): string {
  return source.replace(literalInclude, (call, name: string) => {
    if (path.isAbsolute(name)) return call;
    const target = ejs.resolveInclude(name, file);
    // JSON: a valid JavaScript string for any path, backslashes of Windows paths included.
    return fs.existsSync(target) ? `include(${JSON.stringify(target)}` : call;
  });
}

function loadTemplate(file: string): string {
  return resolveIncludes(file, fs.readFileSync(file, 'utf8'));
}

type Engine = (file: string, data: object, callback: (err: Error | null, html?: string) => void) => void;

/** For `app.engine('ejs', …)`: EJS's Express entry point, loading templates with resolved includes. */
export function viewEngine(): Engine {
  ejs.fileLoader = loadTemplate;
  return (file, data, callback) => {
    ejs.renderFile(file, data as ejs.Data, callback);
  };
}
