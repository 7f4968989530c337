// Tests of the .orm parser: AST shape of the SPEC examples, error messages, hostile input.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "parse/parse.hpp"

namespace ormc::parse {
namespace {

using ast::Expr;

/// One parse, keeping the source alive for the locations that point into it.
struct Parsed {
  std::unique_ptr<diag::SourceFile> source;
  diag::Sink sink;
  ast::File file;

  [[nodiscard]] std::string printed() const {
    std::ostringstream out;
    sink.print(out);
    return out.str();
  }
};

Parsed parse(std::string text, std::string path = "t.orm") {
  Parsed parsed;
  parsed.source = std::make_unique<diag::SourceFile>(std::move(path), std::move(text));
  parsed.file = parse_file(*parsed.source, parsed.sink);
  return parsed;
}

std::vector<std::string> names(const std::vector<ast::Ident>& parts) {
  std::vector<std::string> result;
  for (const ast::Ident& part : parts) result.push_back(part.text);
  return result;
}

const ast::Modifier& modifier(const ast::Member& member, const std::string& name) {
  for (const ast::Modifier& m : member.modifiers) {
    if (m.name.text == name) return m;
  }
  throw std::runtime_error("no modifier " + name + " on " + member.name.text);
}

const ast::Arg& named_arg(const std::vector<ast::Arg>& args, const std::string& name) {
  for (const ast::Arg& arg : args) {
    if (arg.name && arg.name->text == name) return arg;
  }
  throw std::runtime_error("no argument " + name);
}

// ---------------------------------------------------------------- the SPEC §1.1 examples

constexpr const char* kBank = R"(// bank.orm
schema bank;                       // C++ namespace of the generated code (dots nest: acme.bank)

entity Account {
    table "account";               // default: snake_case of the entity name
    id: Integer primary_key;
    identifier: String(50) unique;

    account_transactions: AccountTransaction[] relationship(
        lazy = "write_only",
        cascade = "all, delete-orphan",
        passive_deletes = true,
        order_by = AccountTransaction.timestamp
    );
}

entity AccountTransaction {
    table "account_transaction";
    eager_defaults = true;         // fetch server defaults with RETURNING
    id: Integer primary_key;
    account_id: Integer foreign_key(Account.id, ondelete = "cascade");
    description: String;
    amount: Numeric(10, 2);
    timestamp: DateTime server_default(now());
}

table audit_transaction {          // a plain association table: metadata only, no class
    audit_id: Integer primary_key foreign_key(BankAudit.id, ondelete = "cascade");
    transaction_id: Integer primary_key foreign_key(AccountTransaction.id, ondelete = "cascade");
}

entity BankAudit {
    table "audit";
    id: Integer primary_key;
    account_transactions: AccountTransaction[] relationship(
        secondary = audit_transaction, lazy = "write_only", passive_deletes = true);
}
)";

TEST(ParseBank, DeclarationsInOrder) {
  const Parsed p = parse(kBank, "model/bank.orm");
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  EXPECT_EQ(p.file.source, p.source.get());
  ASSERT_TRUE(p.file.schema.has_value());
  EXPECT_EQ(names(*p.file.schema), std::vector<std::string>{"bank"});
  EXPECT_EQ(p.file.schema_where.line, 2u);
  EXPECT_EQ(p.file.schema_where.column, 8u);
  EXPECT_TRUE(p.file.imports.empty());
  ASSERT_EQ(p.file.entities.size(), 4u);
  EXPECT_EQ(p.file.entities[0].name.text, "Account");
  EXPECT_EQ(p.file.entities[1].name.text, "AccountTransaction");
  EXPECT_EQ(p.file.entities[2].name.text, "audit_transaction");
  EXPECT_EQ(p.file.entities[3].name.text, "BankAudit");
  EXPECT_FALSE(p.file.entities[0].is_table);
  EXPECT_TRUE(p.file.entities[2].is_table);
}

TEST(ParseBank, AccountMembersAndRelationship) {
  const Parsed p = parse(kBank);
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  const ast::Entity& account = p.file.entities.at(0);
  EXPECT_EQ(account.name.where.line, 4u);
  EXPECT_EQ(account.name.where.column, 8u);
  EXPECT_EQ(account.name.where.length, 7u);

  ASSERT_EQ(account.options.size(), 1u);
  const ast::EntityOption& table = account.options[0];
  EXPECT_EQ(table.name.text, "table");
  EXPECT_EQ(table.form, ast::EntityOption::Form::Value);
  ASSERT_TRUE(table.value.has_value());
  EXPECT_EQ(table.value->kind, Expr::Kind::String);
  EXPECT_EQ(table.value->text, "account");

  ASSERT_EQ(account.members.size(), 3u);
  const ast::Member& id = account.members[0];
  EXPECT_EQ(id.name.text, "id");
  EXPECT_EQ(id.type.name.text, "Integer");
  EXPECT_FALSE(id.type.has_args);
  EXPECT_FALSE(id.type.nullable);
  EXPECT_FALSE(id.type.collection);
  ASSERT_EQ(id.modifiers.size(), 1u);
  EXPECT_EQ(id.modifiers[0].name.text, "primary_key");
  EXPECT_FALSE(id.modifiers[0].has_args);
  // The whole member on its line: `id: Integer primary_key;`
  EXPECT_EQ(id.where.line, 6u);
  EXPECT_EQ(id.where.column, 5u);
  EXPECT_EQ(id.where.length, 24u);

  const ast::Member& identifier = account.members[1];
  EXPECT_EQ(identifier.type.name.text, "String");
  EXPECT_TRUE(identifier.type.has_args);
  ASSERT_EQ(identifier.type.args.size(), 1u);
  EXPECT_EQ(identifier.type.args[0].value.kind, Expr::Kind::Integer);
  EXPECT_EQ(identifier.type.args[0].value.integer, 50);
  EXPECT_EQ(identifier.type.where.length, 10u);  // `String(50)`
  EXPECT_EQ(identifier.modifiers.at(0).name.text, "unique");

  const ast::Member& transactions = account.members[2];
  EXPECT_EQ(transactions.type.name.text, "AccountTransaction");
  EXPECT_TRUE(transactions.type.collection);
  EXPECT_FALSE(transactions.type.nullable);
  const ast::Modifier& relationship = modifier(transactions, "relationship");
  EXPECT_TRUE(relationship.has_args);
  ASSERT_EQ(relationship.args.size(), 4u);
  EXPECT_EQ(named_arg(relationship.args, "lazy").value.text, "write_only");
  EXPECT_EQ(named_arg(relationship.args, "cascade").value.text, "all, delete-orphan");
  const Expr& passive = named_arg(relationship.args, "passive_deletes").value;
  EXPECT_EQ(passive.kind, Expr::Kind::Boolean);
  EXPECT_TRUE(passive.boolean);
  const Expr& order = named_arg(relationship.args, "order_by").value;
  EXPECT_EQ(order.kind, Expr::Kind::Path);
  EXPECT_EQ(names(order.path), (std::vector<std::string>{"AccountTransaction", "timestamp"}));
  EXPECT_FALSE(order.order.has_value());
  EXPECT_EQ(order.where.line, 13u);
  EXPECT_EQ(order.where.column, 20u);
  EXPECT_EQ(order.where.length, 28u);  // `AccountTransaction.timestamp`
}

TEST(ParseBank, AccountTransactionOptionsAndModifiers) {
  const Parsed p = parse(kBank);
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  const ast::Entity& transaction = p.file.entities.at(1);
  ASSERT_EQ(transaction.options.size(), 2u);
  EXPECT_EQ(transaction.options[1].name.text, "eager_defaults");
  EXPECT_EQ(transaction.options[1].form, ast::EntityOption::Form::Assign);
  EXPECT_EQ(transaction.options[1].value->kind, Expr::Kind::Boolean);
  EXPECT_TRUE(transaction.options[1].value->boolean);

  ASSERT_EQ(transaction.members.size(), 5u);
  const ast::Modifier& foreign_key = modifier(transaction.members[1], "foreign_key");
  ASSERT_EQ(foreign_key.args.size(), 2u);
  EXPECT_FALSE(foreign_key.args[0].name.has_value());
  EXPECT_EQ(names(foreign_key.args[0].value.path), (std::vector<std::string>{"Account", "id"}));
  EXPECT_EQ(foreign_key.args[1].name->text, "ondelete");
  EXPECT_EQ(foreign_key.args[1].value.text, "cascade");

  const ast::TypeRef& amount = transaction.members[3].type;
  EXPECT_EQ(amount.name.text, "Numeric");
  ASSERT_EQ(amount.args.size(), 2u);
  EXPECT_EQ(amount.args[0].value.integer, 10);
  EXPECT_EQ(amount.args[1].value.integer, 2);

  const ast::Modifier& server_default = modifier(transaction.members[4], "server_default");
  ASSERT_EQ(server_default.args.size(), 1u);
  const Expr& now = server_default.args[0].value;
  EXPECT_EQ(now.kind, Expr::Kind::Call);
  EXPECT_EQ(names(now.path), std::vector<std::string>{"now"});
  EXPECT_TRUE(now.args.empty());
}

TEST(ParseBank, AssociationTableAndSecondary) {
  const Parsed p = parse(kBank);
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  const ast::Entity& audit = p.file.entities.at(2);
  EXPECT_TRUE(audit.is_table);
  ASSERT_EQ(audit.members.size(), 2u);
  EXPECT_EQ(audit.members[0].modifiers.size(), 2u);
  EXPECT_EQ(audit.members[0].modifiers[0].name.text, "primary_key");
  EXPECT_EQ(names(audit.members[0].modifiers[1].args[0].value.path), (std::vector<std::string>{"BankAudit", "id"}));

  const ast::Modifier& relationship = modifier(p.file.entities.at(3).members.at(1), "relationship");
  const Expr& secondary = named_arg(relationship.args, "secondary").value;
  EXPECT_EQ(secondary.kind, Expr::Kind::Path);
  EXPECT_EQ(names(secondary.path), std::vector<std::string>{"audit_transaction"});
}

TEST(ParseOrgs, NullableColumnAndDynamicRelationship) {
  const Parsed p = parse(R"(schema orgs;

entity Organization {
    table "organizations";
    org_id: Integer primary_key;
    name: String(50) column("org_name");
    members: Member[] relationship(lazy = "dynamic", cascade = "all, delete-orphan",
                                   passive_deletes = true);
}

entity Member {
    table "members";
    member_id: Integer primary_key;
    name: String(50) column("member_name");
    org_id: Integer? foreign_key(Organization.org_id, ondelete = "CASCADE");
}
)");
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  EXPECT_EQ(names(*p.file.schema), std::vector<std::string>{"orgs"});
  ASSERT_EQ(p.file.entities.size(), 2u);
  const ast::Member& name = p.file.entities[0].members.at(1);
  EXPECT_EQ(modifier(name, "column").args.at(0).value.text, "org_name");
  EXPECT_EQ(named_arg(modifier(p.file.entities[0].members.at(2), "relationship").args, "lazy").value.text, "dynamic");
  const ast::Member& org_id = p.file.entities[1].members.at(2);
  EXPECT_TRUE(org_id.type.nullable);
  EXPECT_FALSE(org_id.type.collection);
  EXPECT_EQ(named_arg(modifier(org_id, "foreign_key").args, "ondelete").value.text, "CASCADE");
}

// ---------------------------------------------------------------- the rest of the DSL

TEST(ParseDsl, OptionFormsOrderingListsAndTrailingCommas) {
  const Parsed p = parse(R"(schema acme.bank;
import "common/base.orm";
entity Log {
    order_by = timestamp desc;
    unique(a, b,);
    index(a);
    check("amount > 0");
    id: Integer primary_key autoincrement(false) default(-1);
    tags: Tag[] relationship(order_by = [Tag.name, Tag.id desc,], foreign_keys = [Tag.log_id],
                             collection = map(Tag.name), backref = backref("log", lazy = "dynamic",),);
    note: String default("say \"hi\" \\ bye") deferred(group = "text");
    kind: String?[];
}
)");
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  EXPECT_EQ(names(*p.file.schema), (std::vector<std::string>{"acme", "bank"}));
  ASSERT_EQ(p.file.imports.size(), 1u);
  EXPECT_EQ(p.file.imports[0].path, "common/base.orm");
  EXPECT_EQ(p.file.imports[0].where.line, 2u);
  EXPECT_EQ(p.file.imports[0].where.column, 8u);

  const ast::Entity& log = p.file.entities.at(0);
  ASSERT_EQ(log.options.size(), 4u);
  const ast::EntityOption& order_by = log.options[0];
  EXPECT_EQ(order_by.form, ast::EntityOption::Form::Assign);
  EXPECT_EQ(names(order_by.value->path), std::vector<std::string>{"timestamp"});
  ASSERT_TRUE(order_by.value->order.has_value());
  EXPECT_EQ(order_by.value->order->text, "desc");
  EXPECT_EQ(order_by.value->where.length, 14u);  // `timestamp desc`

  EXPECT_EQ(log.options[1].form, ast::EntityOption::Form::Call);
  EXPECT_EQ(log.options[1].name.text, "unique");
  ASSERT_EQ(log.options[1].args.size(), 2u);  // the trailing comma adds nothing
  EXPECT_EQ(names(log.options[1].args[1].value.path), std::vector<std::string>{"b"});
  EXPECT_EQ(log.options[2].args.size(), 1u);
  EXPECT_EQ(log.options[3].args.at(0).value.text, "amount > 0");

  const ast::Member& id = log.members.at(0);
  EXPECT_EQ(modifier(id, "autoincrement").args.at(0).value.kind, Expr::Kind::Boolean);
  EXPECT_FALSE(modifier(id, "autoincrement").args.at(0).value.boolean);
  EXPECT_EQ(modifier(id, "default").args.at(0).value.integer, -1);

  const ast::Modifier& relationship = modifier(log.members.at(1), "relationship");
  EXPECT_EQ(relationship.args.size(), 4u);
  const Expr& order = named_arg(relationship.args, "order_by").value;
  ASSERT_EQ(order.kind, Expr::Kind::List);
  ASSERT_EQ(order.args.size(), 2u);
  EXPECT_FALSE(order.args[0].value.order.has_value());
  EXPECT_EQ(order.args[1].value.order->text, "desc");
  EXPECT_EQ(names(order.args[1].value.path), (std::vector<std::string>{"Tag", "id"}));
  EXPECT_EQ(named_arg(relationship.args, "foreign_keys").value.args.size(), 1u);
  const Expr& collection = named_arg(relationship.args, "collection").value;
  EXPECT_EQ(collection.kind, Expr::Kind::Call);
  EXPECT_EQ(names(collection.args.at(0).value.path), (std::vector<std::string>{"Tag", "name"}));
  const Expr& backref = named_arg(relationship.args, "backref").value;
  ASSERT_EQ(backref.kind, Expr::Kind::Call);
  ASSERT_EQ(backref.args.size(), 2u);
  EXPECT_EQ(backref.args[0].value.text, "log");
  EXPECT_EQ(backref.args[1].name->text, "lazy");
  EXPECT_EQ(backref.args[1].value.text, "dynamic");

  const ast::Member& note = log.members.at(2);
  EXPECT_EQ(modifier(note, "default").args.at(0).value.text, "say \"hi\" \\ bye");
  EXPECT_EQ(named_arg(modifier(note, "deferred").args, "group").value.text, "text");

  const ast::TypeRef& kind = log.members.at(3).type;
  EXPECT_TRUE(kind.nullable);
  EXPECT_TRUE(kind.collection);
}

TEST(ParseDsl, KeywordsAreNamesWhereANameIsExpected) {
  const Parsed p = parse(R"(schema schema.entity;
import "import.orm";
entity Entity {
    table "t";
    table: String;
    entity: Integer primary_key;
    schema: Integer table;
    import: Integer;
    asc: String;
    desc: String;
    true: Boolean default(true);
    order_by = desc desc;
    index(asc, desc);
}
table table { desc: Integer; }
entity entity { false: entity? table(asc = desc); }
)");
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  EXPECT_EQ(names(*p.file.schema), (std::vector<std::string>{"schema", "entity"}));
  ASSERT_EQ(p.file.entities.size(), 3u);
  const ast::Entity& entity = p.file.entities[0];
  EXPECT_EQ(entity.name.text, "Entity");
  ASSERT_EQ(entity.options.size(), 3u);
  EXPECT_EQ(entity.options[0].name.text, "table");  // `table "t";` is an option ...
  EXPECT_EQ(entity.options[0].value->text, "t");
  std::vector<std::string> members;
  for (const ast::Member& m : entity.members) members.push_back(m.name.text);
  EXPECT_EQ(members, (std::vector<std::string>{"table", "entity", "schema", "import", "asc", "desc", "true"}));
  EXPECT_EQ(entity.members[0].type.name.text, "String");  // ... and `table: String;` a member
  EXPECT_EQ(entity.members[2].modifiers.at(0).name.text, "table");
  EXPECT_TRUE(modifier(entity.members[6], "default").args.at(0).value.boolean);
  const ast::EntityOption& order_by = entity.options[1];
  EXPECT_EQ(names(order_by.value->path), std::vector<std::string>{"desc"});
  EXPECT_EQ(order_by.value->order->text, "desc");
  EXPECT_EQ(names(entity.options[2].args.at(1).value.path), std::vector<std::string>{"desc"});

  EXPECT_TRUE(p.file.entities[1].is_table);
  EXPECT_EQ(p.file.entities[1].name.text, "table");
  const ast::Member& odd = p.file.entities[2].members.at(0);
  EXPECT_EQ(odd.name.text, "false");
  EXPECT_EQ(odd.type.name.text, "entity");
  EXPECT_EQ(named_arg(odd.modifiers.at(0).args, "asc").value.path.at(0).text, "desc");
}

TEST(ParseDsl, CommentsAndLocationsAfterThem) {
  const Parsed p = parse("/* a\n block */ entity /* inline */ A { // line\n  x: Y; /* } */\n}\n");
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  ASSERT_EQ(p.file.entities.size(), 1u);
  EXPECT_EQ(p.file.entities[0].name.where.line, 2u);
  EXPECT_EQ(p.file.entities[0].name.where.column, 31u);
  EXPECT_EQ(p.file.entities[0].members.at(0).type.name.where.line, 3u);
  EXPECT_EQ(p.file.entities[0].members.at(0).type.name.where.column, 6u);
}

TEST(ParseDsl, ColumnsCountBytesAfterNonAsciiText) {
  // 'é' is two bytes: `mark` is at byte column 31 (character column 30).
  const Parsed p = parse("entity A { x: Y default(\"\xC3\xA9\") mark; }");
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  const ast::Modifier& mark = p.file.entities.at(0).members.at(0).modifiers.at(1);
  EXPECT_EQ(mark.name.where.column, 31u);
  EXPECT_EQ(mark.name.where.length, 4u);
  EXPECT_EQ(p.file.entities[0].members[0].modifiers[0].args.at(0).value.where.length, 4u);  // `"é"`
}

TEST(ParseDsl, ByteOrderMarkIsSkipped) {
  const Parsed p = parse("\xEF\xBB\xBF" "entity A { x: Y; }");
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed();
  EXPECT_EQ(p.file.entities.at(0).name.where.column, 11u);  // byte column: the BOM is 3 bytes
}

TEST(ParseDsl, WindowsLineEndings) {
  const Parsed p = parse("entity A {\r\n  x: Y\r\n}\r\n");
  ASSERT_EQ(p.sink.error_count(), 1u);
  EXPECT_EQ(p.printed(), "t.orm:2:7: error: expected ';' after member declaration\n  x: Y\n      ^\n");
  EXPECT_EQ(p.file.entities.at(0).members.at(0).type.name.where.column, 6u);
}

TEST(ParseDsl, EmptyFileIsValid) {
  const Parsed p = parse("  // nothing\n");
  EXPECT_EQ(p.sink.error_count(), 0u);
  EXPECT_FALSE(p.file.schema.has_value());
  EXPECT_TRUE(p.file.entities.empty());
}

// ---------------------------------------------------------------- syntax errors, exactly

TEST(ParseErrors, MissingSemicolonPointsPastTheLastToken) {
  const Parsed p = parse("entity A {\n    id: Integer primary_key\n    name: String;\n}\n", "model/a.orm");
  EXPECT_EQ(p.printed(),
            "model/a.orm:2:28: error: expected ';' after member declaration\n"
            "    id: Integer primary_key\n"
            "                           ^\n");
}

TEST(ParseErrors, UnexpectedTokenAtTopLevel) {
  const Parsed p = parse("schema s;\nfoo bar;\nentity A { x: Y; }\n");
  EXPECT_EQ(p.printed(),
            "t.orm:2:1: error: unexpected 'foo'; expected 'entity', 'table' or 'import'\n"
            "foo bar;\n"
            "^~~\n");
  EXPECT_EQ(p.file.entities.size(), 1u);  // recovery keeps what follows
}

TEST(ParseErrors, UnterminatedStringCaretFollowsTabs) {
  const Parsed p = parse("entity A {\n\tx: String default(\"abc);\n}\n");
  EXPECT_EQ(p.printed(),
            "t.orm:2:20: error: unterminated string (missing closing '\"')\n"
            "\tx: String default(\"abc);\n"
            "\t                  ^\n");  // the tab, then one space per column up to 20
}

TEST(ParseErrors, MessagesSayWhatWasExpected) {
  const auto first_message = [](const std::string& text) {
    const Parsed p = parse(text);
    return p.sink.all().empty() ? std::string("(none)") : p.sink.all().front().message;
  };
  EXPECT_EQ(first_message("entity A { x: ; }"), "expected a type");
  EXPECT_EQ(first_message("entity A { x: Y(1,; }"), "unexpected ';'; expected ',' or ')'");
  EXPECT_EQ(first_message("entity A { x: Y 5; }"), "unexpected '5'; expected a modifier or ';'");
  EXPECT_EQ(first_message("entity A { order_by = ; }"), "unexpected ';'; expected a value");
  EXPECT_EQ(first_message("entity A { x: Y }"), "expected ';' after member declaration");
  EXPECT_EQ(first_message("schema a.b\nentity A {}"), "expected ';' after schema declaration");
  EXPECT_EQ(first_message("entity A { table \"x\" }"), "expected ';' after entity option");
  EXPECT_EQ(first_message("entity A { x: Y; "), "expected '}' at end of entity 'A'");
  EXPECT_EQ(first_message("entity A x: Y; }"), "expected '{'");
  EXPECT_EQ(first_message("entity A { x: Y @; }"), "unexpected character '@'");
  EXPECT_EQ(first_message("entity A { x: Y; }\n/* open"), "unterminated comment (missing '*/')");
  EXPECT_EQ(first_message("entity A { x y z; }").substr(0, 15), "unexpected 'z';");
}

TEST(ParseErrors, EveryBrokenLineIsReportedOnceInSourceOrder) {
  const Parsed p = parse(
      "entity A {\n"
      "    id: Integer primary_key\n"  // missing ';'
      "    name: String(50;\n"         // missing ')'
      "}\n"
      "entity B {\n"
      "    x: Y default(\"a\\qb\");\n"  // bad escape (found after parsing)
      "    y: ;\n"                      // missing type
      "}\n"
      "garbage here;\n");
  EXPECT_EQ(p.sink.error_count(), 5u) << p.printed();
  std::vector<std::uint32_t> lines;
  for (const diag::Diagnostic& d : p.sink.all()) lines.push_back(d.where.line);
  EXPECT_EQ(lines, (std::vector<std::uint32_t>{2, 3, 6, 7, 9}));
  EXPECT_EQ(p.sink.all()[2].message, "unknown escape sequence '\\q' (only \\\" and \\\\ are allowed in strings)");
  EXPECT_EQ(p.sink.all()[2].where.column, 20u);
  EXPECT_EQ(p.sink.all()[2].where.length, 2u);
}

TEST(ParseErrors, SchemaMustComeFirstAndOnlyOnce) {
  const Parsed p = parse("entity A { x: Y; }\nschema a;\nschema b;\n");
  ASSERT_EQ(p.sink.error_count(), 2u);
  EXPECT_EQ(p.sink.all()[0].message, "'schema' must be the first declaration in the file");
  EXPECT_EQ(p.sink.all()[1].message, "duplicate 'schema' declaration");
  ASSERT_EQ(p.sink.all()[1].notes.size(), 1u);
  EXPECT_EQ(p.sink.all()[1].notes[0].where.line, 2u);
  EXPECT_EQ(names(*p.file.schema), std::vector<std::string>{"a"});
}

TEST(ParseErrors, RepeatedTypeSuffixAndIntegerRange) {
  const Parsed p = parse(
      "entity A { x: Y??; y: Y[][]; n: Integer default(9223372036854775808); m: Integer default(-9223372036854775808); }");
  ASSERT_EQ(p.sink.error_count(), 3u) << p.printed();
  EXPECT_EQ(p.sink.all()[0].message, "duplicate '?' in type");
  EXPECT_EQ(p.sink.all()[1].message, "duplicate '[]' in type");
  EXPECT_EQ(p.sink.all()[2].message, "integer literal is out of range (it must fit in 64 bits)");
  EXPECT_EQ(modifier(p.file.entities.at(0).members.at(3), "default").args.at(0).value.integer, INT64_MIN);
}

TEST(ParseErrors, StopsAfterFiftyLinesWithErrors) {
  std::string text;
  for (int i = 0; i < 120; ++i) text += "entity A { x: ; }\n";
  const Parsed p = parse(text);
  EXPECT_EQ(p.sink.error_count(), 50u);
  ASSERT_EQ(p.sink.all().back().notes.size(), 1u);
  EXPECT_EQ(p.sink.all().back().notes[0].message, "too many errors; the rest of the file was not parsed");
  EXPECT_NE(p.printed().find("\nnote: too many errors"), std::string::npos);
}

// ---------------------------------------------------------------- hostile input

TEST(ParseHostile, InvalidUtf8StopsWithItsPosition) {
  const Parsed p = parse("entity A {\n  x: Y \xFF;\n}\n");
  ASSERT_EQ(p.sink.error_count(), 1u);
  EXPECT_EQ(p.printed(),
            "t.orm:2:8: error: invalid UTF-8 byte 0xFF (.orm files must be UTF-8)\n"
            "  x: Y ?;\n"
            "       ^\n");
  EXPECT_TRUE(p.file.entities.empty());
  EXPECT_EQ(p.file.source, p.source.get());
}

TEST(ParseHostile, OverlongAndSurrogateEncodingsAreRejected) {
  EXPECT_EQ(parse("entity A \xC0\xAF").sink.error_count(), 1u);      // overlong '/'
  EXPECT_EQ(parse("entity A \xED\xA0\x80").sink.error_count(), 1u);  // UTF-16 surrogate
  EXPECT_EQ(parse("entity A \xF4\x90\x80\x80").sink.error_count(), 1u);  // past U+10FFFF
  EXPECT_EQ(parse("entity A \xE2\x82").sink.error_count(), 1u);      // cut short
}

TEST(ParseHostile, NulByte) {
  const Parsed p = parse(std::string("entity A {\n  x: Y", 17) + std::string(1, '\0') + ";\n}\n");
  ASSERT_EQ(p.sink.error_count(), 1u);
  const diag::Diagnostic& d = p.sink.all()[0];
  EXPECT_EQ(d.message, "unexpected NUL byte (is this a binary file?)");
  EXPECT_EQ(d.where.line, 2u);
  EXPECT_EQ(d.where.column, 7u);
}

TEST(ParseHostile, DeepNestingIsRefusedNotRecursed) {
  const std::string deep = "entity A { x: Y d(" + std::string(10000, '[') + std::string(10000, ']') + "); }";
  const Parsed p = parse(deep);
  ASSERT_EQ(p.sink.error_count(), 1u);
  EXPECT_EQ(p.sink.all()[0].message, "nesting is too deep (more than 200 levels of '(' and '[')");
  EXPECT_EQ(p.sink.all()[0].where.column, 218u);  // the 201st level

  const std::string fine = "entity A { x: Y d(" + std::string(199, '[') + std::string(199, ']') + "); }";
  const Parsed q = parse(fine);
  EXPECT_EQ(q.sink.error_count(), 0u) << q.printed();

  EXPECT_EQ(parse(std::string(10000, '(')).sink.error_count(), 1u);
  EXPECT_GE(parse("entity A " + std::string(10000, '{')).sink.error_count(), 1u);
}

TEST(ParseHostile, RandomBinaryGarbage) {
  std::mt19937 random(20240611);
  for (int round = 0; round < 20; ++round) {
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
    const Parsed p = parse(bytes);
    EXPECT_GE(p.sink.error_count(), 1u);
    EXPECT_FALSE(p.printed().empty());
  }
}

TEST(ParseHostile, RandomTokenSoup) {
  // Valid UTF-8 made of the DSL's own characters reaches the parser and its recovery.
  const std::string alphabet = "entity table schema import asc desc true false x 1 -2 \"s\" \"u ( ) [ ] { } ; : , . = ? / * \n\t";
  std::mt19937 random(7);
  for (int round = 0; round < 50; ++round) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += alphabet[random() % alphabet.size()];
    const Parsed p = parse(text);
    EXPECT_LE(p.sink.error_count(), 50u);
    std::ostringstream ignored;
    p.sink.print(ignored);
  }
}

TEST(ParseHostile, OversizedFileIsRefused) {
  const Parsed p = parse(std::string((std::size_t{32} << 20) + 1, ' '), "huge.orm");
  ASSERT_EQ(p.sink.error_count(), 1u);
  EXPECT_EQ(p.printed(), "huge.orm: error: file is too large to parse (33554433 bytes; the limit is 32 MiB)\n");
}

TEST(ParseHostile, LargeFileParses) {
  constexpr int kEntities = 20000;
  std::string text = "schema big;\n";
  for (int i = 0; i < kEntities; ++i) {
    const std::string n = std::to_string(i);
    text += "entity E" + n + " {\n    table \"e_" + n + "\";\n    id: Integer primary_key;\n"
            "    name: String(50) unique;\n    parent_id: Integer? foreign_key(E" + n + ".id, ondelete = \"cascade\");\n"
            "    children: E" + n + "[] relationship(lazy = \"write_only\", order_by = [E" + n + ".name desc]);\n}\n";
  }
  const Parsed p = parse(text);
  ASSERT_EQ(p.sink.error_count(), 0u) << p.printed().substr(0, 2000);
  ASSERT_EQ(p.file.entities.size(), static_cast<std::size_t>(kEntities));
  const ast::Entity& last = p.file.entities.back();
  EXPECT_EQ(last.name.text, "E" + std::to_string(kEntities - 1));
  EXPECT_EQ(last.members.size(), 4u);
  EXPECT_EQ(last.name.where.line, 2u + 7u * (kEntities - 1));
}

}  // namespace
}  // namespace ormc::parse
