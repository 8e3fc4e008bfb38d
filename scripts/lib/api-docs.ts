/**
 * The public API's documentation rule (issue 13): every exported construct class, every field of an
 * exported props interface has a TSDoc comment, and every optional field says its `@default`.
 * Read with the TypeScript compiler from the entry points' source files.
 */
import ts from 'typescript';

export interface DocProblem {
  readonly file: string;
  readonly symbol: string;
  readonly problem: string;
}

function hasDoc(node: ts.Node): boolean {
  return ts.getJSDocCommentsAndTags(node).length > 0;
}

function docText(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .map((d) => d.getText())
    .join('\n');
}

/** The problems of one source file: exported classes extending Construct, exported `*Props` interfaces. */
export function apiDocProblems(fileName: string, text: string): DocProblem[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const problems: DocProblem[] = [];
  const exported = (node: ts.Node) => ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Export;
  for (const statement of source.statements) {
    if (ts.isClassDeclaration(statement) && statement.name && exported(statement)) {
      const extendsConstruct = statement.heritageClauses?.some((h) => h.types.some((t) => /\b(Construct|TerraformStack)\b/.test(t.expression.getText())));
      if (extendsConstruct && !hasDoc(statement)) problems.push({ file: fileName, symbol: statement.name.text, problem: 'exported construct without a TSDoc comment' });
    }
    if (ts.isInterfaceDeclaration(statement) && exported(statement) && /Props$/.test(statement.name.text)) {
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member) || !member.name) continue;
        const symbol = `${statement.name.text}.${member.name.getText()}`;
        if (!hasDoc(member)) problems.push({ file: fileName, symbol, problem: 'props field without a TSDoc comment' });
        else if (member.questionToken && !/@default\b/.test(docText(member))) problems.push({ file: fileName, symbol, problem: 'optional props field without @default' });
      }
    }
  }
  return problems;
}
