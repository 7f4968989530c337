// The ormc schema DSL (SPEC §1): entities, tables, members and generic options.
//
// Deliberately generic: options and modifiers are `name`, `name(args)` or `name = value`,
// and sema gives them meaning, so a new option needs no grammar change and every misuse is
// reported by sema at the right token. Keywords are contextual: wherever a name is expected,
// `ident` also accepts them (a column may be called `table`, an attribute `desc`).
// No target-language actions: generated code stays plain, the parse layer does the rest.
grammar Ormc;

// ---------------------------------------------------------------- declarations

// `schema` is accepted anywhere here so that the tree builder can say "must come first"
// instead of a generic syntax error.
file
    : topLevelDecl* EOF
    ;

topLevelDecl
    : schemaDecl
    | importDecl
    | entityDecl
    ;

schemaDecl
    : SCHEMA dottedName ';'
    ;

importDecl
    : IMPORT STRING ';'
    ;

// `entity Name { ... }` maps a class; `table name { ... }` is metadata only.
entityDecl
    : kind=(ENTITY | TABLE) ident '{' entityItem* '}'
    ;

// A member starts `name :`; anything else starting with a name is an option.
entityItem
    : member
    | entityOption
    ;

member
    : ident ':' typeRef modifier* ';'
    ;

// `table "name";` / `order_by = a desc;` / `unique(a, b);`
entityOption
    : ident arguments ';'           # callOption
    | ident '=' expr ';'            # assignOption
    | ident expr ';'                # valueOption
    ;

// `Integer`, `String(50)`, `Integer?`, `AccountTransaction[]`
typeRef
    : ident arguments? typeSuffix*
    ;

// In any order; the tree builder reports a repeated suffix, sema decides what `T[]?` means.
typeSuffix
    : '?'           # nullableSuffix
    | '[' ']'       # collectionSuffix
    ;

// `primary_key`, `column("name")`, `relationship(lazy = "dynamic")`
modifier
    : ident arguments?
    ;

// ---------------------------------------------------------------- values

// `()`, `(a, b,)`, `(lazy = "dynamic")`
arguments
    : '(' ( arg ( ',' arg )* ','? )? ')'
    ;

arg
    : ( ident '=' )? expr
    ;

expr
    : INTEGER                                   # integerExpr
    | STRING                                    # stringExpr
    | value=( TRUE | FALSE )                    # booleanExpr
    | ident arguments                           # callExpr
    | dottedName order=( ASC | DESC )?          # pathExpr
    | '[' ( expr ( ',' expr )* ','? )? ']'      # listExpr
    ;

dottedName
    : ident ( '.' ident )*
    ;

// Every keyword is also a name where a name is expected.
ident
    : IDENTIFIER
    | SCHEMA | IMPORT | ENTITY | TABLE
    | ASC | DESC | TRUE | FALSE
    ;

// ---------------------------------------------------------------- tokens

// Named so the parse layer can refer to them; parser rules still spell them as literals.
SEMICOLON : ';' ;
COLON     : ':' ;
COMMA     : ',' ;
DOT       : '.' ;
EQUALS    : '=' ;
QUESTION  : '?' ;
LPAREN    : '(' ;
RPAREN    : ')' ;
LBRACKET  : '[' ;
RBRACKET  : ']' ;
LBRACE    : '{' ;
RBRACE    : '}' ;

SCHEMA : 'schema' ;
IMPORT : 'import' ;
ENTITY : 'entity' ;
TABLE  : 'table' ;
ASC    : 'asc' ;
DESC   : 'desc' ;
TRUE   : 'true' ;
FALSE  : 'false' ;

IDENTIFIER : [A-Za-z_] [A-Za-z0-9_]* ;

// The sign is part of the literal: the DSL has no arithmetic.
INTEGER : '-'? [0-9]+ ;

// Any backslash pair is lexed; the tree builder decodes `\"` and `\\` and rejects the others
// at their exact column.
STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"' ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WHITESPACE    : [ \t\r\n\f]+ -> skip ;
// The 4.9 runtime drops a BOM at the start of the file itself; this covers other runtimes.
BYTE_ORDER_MARK : [\uFEFF] -> skip ;

// Tokens made only so that mistakes get precise messages: the parse layer reports each one,
// then hides it or turns it into a STRING before the parser runs. An unclosed string runs to
// the end of its line, an unclosed comment to the end of the file (a closed one is longer, so
// STRING and BLOCK_COMMENT win whenever they match), and any other character is
// UNEXPECTED_CHARACTER, last so that every real token wins a tie and the lexer never fails.
UNTERMINATED_STRING  : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '\\'? ;
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* ;
UNEXPECTED_CHARACTER : . ;
