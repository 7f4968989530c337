// Tests of semantic analysis: the SPEC §1.1 examples resolve, relationship rules, every §1.6 check.
#include "sema/sema.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "parse/parse.hpp"

namespace ormc::sema {
namespace {

using Lines = std::vector<std::string>;
using model::CollectionClass;
using model::RelationshipKind;

/// One analysed file, keeping the source alive for the locations that point into it.
struct Compiled {
  std::unique_ptr<diag::SourceFile> source;
  diag::Sink sink;
  std::shared_ptr<const model::Schema> schema;

  /// "line:col: error: message", each note after its diagnostic as "line:col: note: ..." or
  /// "note: ..." when it has no location.
  [[nodiscard]] std::vector<std::string> diagnostics() const {
    std::vector<std::string> out;
    const auto one = [&](const diag::Diagnostic& d) {
      static constexpr const char* kSeverity[] = {"error", "warning", "note"};
      std::string line;
      if (d.where.valid() && d.where.file == source.get()) {
        line = std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": ";
      } else if (d.where.valid()) {
        line = d.where.file->path() + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": ";
      }
      out.push_back(line + kSeverity[static_cast<int>(d.severity)] + ": " + d.message);
    };
    for (const diag::Diagnostic& d : sink.all()) {
      one(d);
      for (const diag::Diagnostic& n : d.notes) one(n);
    }
    return out;
  }

  [[nodiscard]] std::string printed() const {
    std::ostringstream out;
    sink.print(out);
    return out.str();
  }
};

std::unique_ptr<Compiled> compile(std::string text, std::vector<std::shared_ptr<const model::Schema>> imports = {},
                                  std::string path = "t.orm") {
  auto c = std::make_unique<Compiled>();
  c->source = std::make_unique<diag::SourceFile>(std::move(path), std::move(text));
  const ast::File file = parse::parse_file(*c->source, c->sink);
  if (c->sink.error_count() != 0) {
    ADD_FAILURE() << "syntax errors in the test input:\n" << c->printed();
    return c;
  }
  c->schema = analyze(file, imports, c->sink);
  EXPECT_EQ(c->schema == nullptr, c->sink.error_count() != 0);
  return c;
}

bool contains(const Lines& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

/// "line:col" of the `nth` (1-based) occurrence of `token` in `text`.
std::string at(const std::string& text, const std::string& token, int nth = 1) {
  std::size_t pos = std::string::npos;
  for (int i = 0; i < nth; ++i) {
    pos = text.find(token, pos == std::string::npos ? 0 : pos + 1);
    if (pos == std::string::npos) throw std::runtime_error("no occurrence " + std::to_string(nth) + " of " + token);
  }
  const std::size_t line_start = text.rfind('\n', pos) == std::string::npos ? 0 : text.rfind('\n', pos) + 1;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
  return std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
}

const model::Entity& entity(const model::Schema& schema, const std::string& name) {
  for (const auto& e : schema.entities) {
    if (e->name == name) return *e;
  }
  throw std::runtime_error("no entity " + name);
}

const model::Relationship& rel(const model::Entity& e, const std::string& name) {
  for (const model::Relationship& r : e.relationships) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no relationship " + e.name + "." + name);
}

const model::Column& col(const model::Entity& e, const std::string& name) {
  const model::Column* c = e.table.find_column(name);
  if (c == nullptr) throw std::runtime_error("no column " + e.name + "." + name);
  return *c;
}

/// "local=remote, ..." by attribute name.
std::string joins(const std::vector<model::JoinPair>& pairs) {
  std::string out;
  for (const model::JoinPair& p : pairs) {
    if (!out.empty()) out += ", ";
    out += p.local->attribute + "=" + p.remote->attribute;
  }
  return out;
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

TEST(SemaBank, DeclarationsTablesAndColumns) {
  const auto c = compile(kBank, {}, "model/bank.orm");
  ASSERT_TRUE(c->schema) << c->printed();
  EXPECT_EQ(c->sink.warning_count(), 0u) << c->printed();
  const model::Schema& s = *c->schema;
  EXPECT_EQ(s.source_name, "model/bank.orm");
  EXPECT_EQ(s.namespace_parts, std::vector<std::string>{"bank"});
  ASSERT_EQ(s.entities.size(), 3u);
  ASSERT_EQ(s.tables.size(), 1u);
  EXPECT_EQ(s.entities[0]->name, "Account");
  EXPECT_EQ(s.entities[2]->table.sql_name, "audit");
  EXPECT_EQ(s.entities[0]->table.entity, s.entities[0].get());

  const model::Entity& tx = entity(s, "AccountTransaction");
  EXPECT_TRUE(tx.eager_defaults);
  EXPECT_EQ(tx.table.sql_name, "account_transaction");
  EXPECT_EQ(tx.table.primary_key, std::vector<std::size_t>{0});
  EXPECT_TRUE(col(tx, "id").autoincrement);
  const model::Column& amount = col(tx, "amount");
  EXPECT_EQ(amount.type, model::ColumnType::Numeric);
  EXPECT_EQ(amount.precision, 10);
  EXPECT_EQ(amount.scale, 2);
  EXPECT_EQ(amount.position, 3u);
  EXPECT_FALSE(amount.nullable);
  ASSERT_TRUE(col(tx, "timestamp").server_default);
  EXPECT_EQ(col(tx, "timestamp").server_default->kind, model::DefaultValue::Kind::Now);
  const model::Column& account_id = col(tx, "account_id");
  ASSERT_TRUE(account_id.foreign_key);
  EXPECT_EQ(account_id.foreign_key->table, &entity(s, "Account").table);
  EXPECT_EQ(account_id.foreign_key->column, &col(entity(s, "Account"), "id"));
  EXPECT_EQ(account_id.foreign_key->ondelete, model::ForeignKeyAction::Cascade);
  EXPECT_EQ(account_id.foreign_key->onupdate, model::ForeignKeyAction::Unspecified);

  const model::Column& identifier = col(entity(s, "Account"), "identifier");
  EXPECT_EQ(identifier.length, 50u);
  EXPECT_TRUE(identifier.unique);

  const model::Table& audit = *s.tables[0];
  EXPECT_EQ(audit.sql_name, "audit_transaction");
  EXPECT_EQ(audit.entity, nullptr);
  EXPECT_EQ(audit.primary_key, (std::vector<std::size_t>{0, 1}));
  EXPECT_FALSE(audit.columns[0].autoincrement);  // composite keys are never generated
}

TEST(SemaBank, WriteOnlyOneToManyWithOrderBy) {
  const auto c = compile(kBank);
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& account = entity(*c->schema, "Account");
  const model::Entity& tx = entity(*c->schema, "AccountTransaction");
  ASSERT_EQ(account.relationships.size(), 1u);
  const model::Relationship& r = account.relationships[0];
  EXPECT_EQ(r.name, "account_transactions");
  EXPECT_EQ(r.owner, &account);
  EXPECT_EQ(r.target, &tx);
  EXPECT_EQ(r.kind, RelationshipKind::OneToMany);
  EXPECT_TRUE(r.uselist);
  EXPECT_TRUE(r.nullable);
  EXPECT_EQ(r.lazy, model::LoaderStrategy::WriteOnly);
  EXPECT_EQ(r.cascade, model::CascadeSaveUpdate | model::CascadeMerge | model::CascadeRefreshExpire |
                           model::CascadeExpunge | model::CascadeDelete | model::CascadeDeleteOrphan);
  EXPECT_EQ(r.passive_deletes, model::PassiveDeletes::True);
  EXPECT_EQ(r.collection, CollectionClass::List);
  ASSERT_EQ(r.primaryjoin.size(), 1u);
  EXPECT_EQ(r.primaryjoin[0].local, &col(account, "id"));
  EXPECT_EQ(r.primaryjoin[0].remote, &col(tx, "account_id"));
  EXPECT_TRUE(r.secondaryjoin.empty());
  EXPECT_EQ(r.secondary, nullptr);
  ASSERT_EQ(r.order_by.size(), 1u);
  EXPECT_EQ(r.order_by[0].column, &col(tx, "timestamp"));
  EXPECT_FALSE(r.order_by[0].descending);
  EXPECT_TRUE(r.back_populates.empty());
  EXPECT_FALSE(r.from_backref);
}

TEST(SemaBank, ManyToManyThroughPlainTable) {
  const auto c = compile(kBank);
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& audit = entity(*c->schema, "BankAudit");
  const model::Entity& tx = entity(*c->schema, "AccountTransaction");
  const model::Table& secondary = *c->schema->tables[0];
  const model::Relationship& r = rel(audit, "account_transactions");
  EXPECT_EQ(r.kind, RelationshipKind::ManyToMany);
  EXPECT_EQ(r.secondary, &secondary);
  ASSERT_EQ(r.primaryjoin.size(), 1u);
  EXPECT_EQ(r.primaryjoin[0].local, &col(audit, "id"));
  EXPECT_EQ(r.primaryjoin[0].remote, &secondary.columns[0]);
  ASSERT_EQ(r.secondaryjoin.size(), 1u);
  EXPECT_EQ(r.secondaryjoin[0].local, &secondary.columns[1]);
  EXPECT_EQ(r.secondaryjoin[0].remote, &col(tx, "id"));
  EXPECT_EQ(r.lazy, model::LoaderStrategy::WriteOnly);
  EXPECT_EQ(r.passive_deletes, model::PassiveDeletes::True);
  EXPECT_EQ(r.cascade, model::CascadeSaveUpdate | model::CascadeMerge);  // the default
}

constexpr const char* kOrgs = R"(schema orgs;

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
)";

TEST(SemaOrgs, ColumnNamesAndDynamicRelationship) {
  const auto c = compile(kOrgs);
  ASSERT_TRUE(c->schema) << c->printed();
  EXPECT_EQ(c->sink.warning_count(), 0u) << c->printed();
  const model::Entity& org = entity(*c->schema, "Organization");
  const model::Entity& member = entity(*c->schema, "Member");
  EXPECT_EQ(col(org, "name").sql_name, "org_name");
  EXPECT_EQ(col(member, "name").sql_name, "member_name");
  EXPECT_TRUE(col(member, "org_id").nullable);
  EXPECT_EQ(col(member, "org_id").foreign_key->ondelete, model::ForeignKeyAction::Cascade);
  const model::Relationship& r = rel(org, "members");
  EXPECT_EQ(r.kind, RelationshipKind::OneToMany);
  EXPECT_EQ(r.lazy, model::LoaderStrategy::Dynamic);
  EXPECT_EQ(joins(r.primaryjoin), "org_id=org_id");
  EXPECT_EQ(r.primaryjoin[0].remote, &col(member, "org_id"));
  EXPECT_EQ(r.passive_deletes, model::PassiveDeletes::True);
}

// ---------------------------------------------------------------- names and columns

TEST(SemaNames, DefaultTableNamesAreSnakeCase) {
  const auto c = compile(R"(schema naming;
entity AccountTransaction { id: Integer primary_key; }
entity HTTPServer { id: Integer primary_key; }
entity Item2Fa { id: Integer primary_key; }
entity already_snake { id: Integer primary_key; }
entity A { id: Integer primary_key; }
entity Renamed { table "custom"; id: Integer primary_key; }
)");
  ASSERT_TRUE(c->schema) << c->printed();
  const std::pair<const char*, const char*> rows[] = {
      {"AccountTransaction", "account_transaction"},
      {"HTTPServer", "http_server"},
      {"Item2Fa", "item2_fa"},
      {"already_snake", "already_snake"},
      {"A", "a"},
      {"Renamed", "custom"},
  };
  for (const auto& [name, table] : rows) EXPECT_EQ(entity(*c->schema, name).table.sql_name, table) << name;
}

TEST(SemaNames, KeywordLikeMemberNamesAndNestedNamespace) {
  const auto c = compile(R"(schema acme.bank;
entity Thing {
    table: Integer primary_key;
    class: String;
    session: Text?;
    c: Boolean default(true);
}
)");
  ASSERT_TRUE(c->schema) << c->printed();
  EXPECT_EQ(c->schema->namespace_parts, (std::vector<std::string>{"acme", "bank"}));
  const model::Entity& t = entity(*c->schema, "Thing");
  ASSERT_EQ(t.table.columns.size(), 4u);
  EXPECT_EQ(col(t, "table").sql_name, "table");
  EXPECT_TRUE(col(t, "session").nullable);
  EXPECT_EQ(col(t, "c").default_value->text, "true");
}

TEST(SemaColumns, TypesModifiersAndDefaults) {
  const auto c = compile(R"(schema t;
entity E {
    id: BigInteger primary_key;
    small: SmallInteger default(-32768);
    flag: Boolean server_default(false);
    ratio: Double default("1.5e3");
    price: Numeric(6, 2) default("1234.50");
    day: Date default("2024-02-29");
    at: DateTime default("2024-01-31 23:59:59.123456");
    uid: Uuid? default("123e4567-e89b-12d3-a456-426614174000") index;
    blob: LargeBinary deferred(group = "heavy");
    body: Text deferred;
    code: String(3) default("abc") unique column("the_code");
    n: Integer autoincrement(false);
    check("n > 0");
    unique(small, n);
    index(day, at, name = "ix_day_at");
    order_by = [day desc, id];
}
)");
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& e = entity(*c->schema, "E");
  EXPECT_TRUE(col(e, "id").autoincrement);
  EXPECT_EQ(col(e, "small").default_value->kind, model::DefaultValue::Kind::Integer);
  EXPECT_EQ(col(e, "small").default_value->text, "-32768");
  EXPECT_EQ(col(e, "flag").server_default->kind, model::DefaultValue::Kind::Boolean);
  EXPECT_EQ(col(e, "ratio").default_value->kind, model::DefaultValue::Kind::Float);
  EXPECT_EQ(col(e, "price").default_value->text, "1234.50");
  EXPECT_TRUE(col(e, "uid").nullable);
  EXPECT_TRUE(col(e, "uid").index);
  EXPECT_TRUE(col(e, "blob").deferred);
  EXPECT_EQ(col(e, "blob").deferred_group, "heavy");
  EXPECT_TRUE(col(e, "body").deferred);
  EXPECT_EQ(col(e, "body").deferred_group, "");
  EXPECT_EQ(col(e, "code").sql_name, "the_code");
  EXPECT_EQ(col(e, "code").length, 3u);
  EXPECT_FALSE(col(e, "n").autoincrement);
  EXPECT_EQ(e.table.checks, std::vector<std::string>{"n > 0"});
  ASSERT_EQ(e.table.indexes.size(), 2u);
  EXPECT_TRUE(e.table.indexes[0].unique);
  EXPECT_EQ(e.table.indexes[0].columns, (std::vector<std::size_t>{1, 11}));
  EXPECT_FALSE(e.table.indexes[1].unique);
  EXPECT_EQ(e.table.indexes[1].name, "ix_day_at");
  ASSERT_EQ(e.order_by.size(), 2u);
  EXPECT_EQ(e.order_by[0].column, &col(e, "day"));
  EXPECT_TRUE(e.order_by[0].descending);
  EXPECT_FALSE(e.order_by[1].descending);
}

TEST(SemaColumns, AutoincrementDefaults) {
  const auto c = compile(R"(schema t;
entity Parent { id: Integer primary_key; }
entity Child { id: Integer primary_key foreign_key(Parent.id); }
entity Keyed { code: String primary_key; }
entity Small { id: SmallInteger primary_key autoincrement(true); }
)");
  ASSERT_TRUE(c->schema) << c->printed();
  EXPECT_TRUE(col(entity(*c->schema, "Parent"), "id").autoincrement);
  EXPECT_FALSE(col(entity(*c->schema, "Child"), "id").autoincrement);  // the key is the parent's
  EXPECT_FALSE(col(entity(*c->schema, "Keyed"), "code").autoincrement);
  EXPECT_TRUE(col(entity(*c->schema, "Small"), "id").autoincrement);
}

// ---------------------------------------------------------------- relationship kinds

TEST(SemaRelationships, ManyToOneAndOneToOne) {
  const std::string src = R"(schema t;
entity User {
    id: Integer primary_key;
    profile: Profile? relationship(lazy = "joined");
    addresses: Address[];
}
entity Profile {
    id: Integer primary_key;
    user_id: Integer unique foreign_key(User.id);
}
entity Address {
    id: Integer primary_key;
    user_id: Integer foreign_key(User.id);
    user: User relationship(innerjoin = true);
}
)";
  const auto c = compile(src);
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& user = entity(*c->schema, "User");
  const model::Entity& address = entity(*c->schema, "Address");
  const model::Relationship& profile = rel(user, "profile");
  EXPECT_EQ(profile.kind, RelationshipKind::OneToOne);
  EXPECT_FALSE(profile.uselist);
  EXPECT_TRUE(profile.nullable);
  EXPECT_EQ(profile.collection, CollectionClass::None);
  EXPECT_EQ(profile.lazy, model::LoaderStrategy::Joined);
  EXPECT_EQ(joins(profile.primaryjoin), "id=user_id");

  const model::Relationship& to_user = rel(address, "user");
  EXPECT_EQ(to_user.kind, RelationshipKind::ManyToOne);
  EXPECT_FALSE(to_user.uselist);
  EXPECT_FALSE(to_user.nullable);
  EXPECT_TRUE(to_user.innerjoin);
  ASSERT_EQ(to_user.primaryjoin.size(), 1u);
  EXPECT_EQ(to_user.primaryjoin[0].local, &col(address, "user_id"));
  EXPECT_EQ(to_user.primaryjoin[0].remote, &col(user, "id"));

  EXPECT_EQ(rel(user, "addresses").kind, RelationshipKind::OneToMany);
}

TEST(SemaRelationships, SelfReferentialAdjacencyList) {
  const auto c = compile(R"(schema t;
entity Node {
    id: Integer primary_key;
    parent_id: Integer? foreign_key(Node.id);
    children: Node[] relationship(back_populates = parent, join_depth = 2, lazy = "joined");
    parent: Node? relationship(remote_side = [Node.id], back_populates = "children");
    first_parent: Node? relationship(remote_side = id, viewonly = true);
}
)");
  ASSERT_TRUE(c->schema) << c->printed();
  EXPECT_EQ(c->sink.warning_count(), 0u) << c->printed();
  const model::Entity& node = entity(*c->schema, "Node");
  const model::Relationship& children = rel(node, "children");
  EXPECT_EQ(children.kind, RelationshipKind::OneToMany);
  EXPECT_EQ(children.primaryjoin[0].local, &col(node, "id"));
  EXPECT_EQ(children.primaryjoin[0].remote, &col(node, "parent_id"));
  EXPECT_EQ(children.join_depth, 2);
  EXPECT_EQ(children.back_populates, "parent");
  const model::Relationship& parent = rel(node, "parent");
  EXPECT_EQ(parent.kind, RelationshipKind::ManyToOne);
  EXPECT_EQ(parent.primaryjoin[0].local, &col(node, "parent_id"));
  EXPECT_EQ(parent.primaryjoin[0].remote, &col(node, "id"));
  EXPECT_EQ(parent.back_populates, "children");
  const model::Relationship& first = rel(node, "first_parent");
  EXPECT_EQ(first.kind, RelationshipKind::ManyToOne);
  EXPECT_TRUE(first.viewonly);
  EXPECT_EQ(first.cascade, model::CascadeMerge);  // viewonly keeps only the cascades that don't write
}

TEST(SemaRelationships, SeveralPathsToOneTargetWithForeignKeys) {
  const auto c = compile(R"(schema t;
entity Customer {
    id: Integer primary_key;
    billing_address_id: Integer? foreign_key(Address.id);
    shipping_address_id: Integer? foreign_key(Address.id);
    billing_address: Address? relationship(foreign_keys = [Customer.billing_address_id]);
    shipping_address: Address? relationship(foreign_keys = shipping_address_id);
}
entity Address { id: Integer primary_key; street: String; }
)");
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& customer = entity(*c->schema, "Customer");
  EXPECT_EQ(joins(rel(customer, "billing_address").primaryjoin), "billing_address_id=id");
  EXPECT_EQ(joins(rel(customer, "shipping_address").primaryjoin), "shipping_address_id=id");
  EXPECT_EQ(rel(customer, "shipping_address").kind, RelationshipKind::ManyToOne);
}

TEST(SemaRelationships, PostUpdateBetweenMutuallyDependentRows) {
  const auto c = compile(R"(schema t;
entity Widget {
    widget_id: Integer primary_key;
    favorite_entry_id: Integer? foreign_key(Entry.entry_id);
    entries: Entry[] relationship(foreign_keys = [Entry.widget_id]);
    favorite_entry: Entry? relationship(foreign_keys = [Widget.favorite_entry_id], post_update = true);
}
entity Entry {
    entry_id: Integer primary_key;
    widget_id: Integer? foreign_key(Widget.widget_id);
    name: String(50);
}
)");
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& widget = entity(*c->schema, "Widget");
  const model::Relationship& entries = rel(widget, "entries");
  EXPECT_EQ(entries.kind, RelationshipKind::OneToMany);
  EXPECT_EQ(joins(entries.primaryjoin), "widget_id=widget_id");
  EXPECT_FALSE(entries.post_update);
  const model::Relationship& favorite = rel(widget, "favorite_entry");
  EXPECT_EQ(favorite.kind, RelationshipKind::ManyToOne);
  EXPECT_EQ(joins(favorite.primaryjoin), "favorite_entry_id=entry_id");
  EXPECT_TRUE(favorite.post_update);
}

TEST(SemaRelationships, CollectionClasses) {
  const auto c = compile(R"(schema t;
entity Item {
    id: Integer primary_key;
    notes: Note[] relationship(collection = map(Note.key), cascade = "all, delete-orphan");
    by_text: Note[] relationship(collection = map(text), viewonly = true);
    tags: Note[] relationship(collection = set, viewonly = true, order_by = [Note.key desc, text]);
}
entity Note {
    id: Integer primary_key;
    item_id: Integer foreign_key(Item.id);
    key: String(20);
    text: Text;
}
)");
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& item = entity(*c->schema, "Item");
  const model::Entity& note = entity(*c->schema, "Note");
  EXPECT_EQ(rel(item, "notes").collection, CollectionClass::Map);
  EXPECT_EQ(rel(item, "notes").collection_key, &col(note, "key"));
  EXPECT_EQ(rel(item, "by_text").collection_key, &col(note, "text"));
  const model::Relationship& tags = rel(item, "tags");
  EXPECT_EQ(tags.collection, CollectionClass::Set);
  EXPECT_EQ(tags.collection_key, nullptr);
  ASSERT_EQ(tags.order_by.size(), 2u);
  EXPECT_TRUE(tags.order_by[0].descending);
  EXPECT_EQ(tags.order_by[1].column, &col(note, "text"));
}

TEST(SemaRelationships, BackrefCreatesTheReverseMember) {
  const auto c = compile(R"(schema t;
entity Parent {
    id: Integer primary_key;
    children: Child[] relationship(backref = backref("parent", lazy = "joined"), cascade = "all");
    tags: Tag[] relationship(secondary = parent_tag, backref = "parents");
}
entity Child {
    id: Integer primary_key;
    parent_id: Integer? foreign_key(Parent.id);
}
table parent_tag {
    parent_id: Integer primary_key foreign_key(Parent.id);
    tag_id: Integer primary_key foreign_key(Tag.id);
}
entity Tag { id: Integer primary_key; }
)");
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& parent = entity(*c->schema, "Parent");
  const model::Entity& child = entity(*c->schema, "Child");
  const model::Entity& tag = entity(*c->schema, "Tag");
  const model::Relationship& children = rel(parent, "children");
  EXPECT_EQ(children.back_populates, "parent");
  ASSERT_EQ(child.relationships.size(), 1u);
  const model::Relationship& back = child.relationships[0];
  EXPECT_EQ(back.name, "parent");
  EXPECT_TRUE(back.from_backref);
  EXPECT_EQ(back.owner, &child);
  EXPECT_EQ(back.target, &parent);
  EXPECT_EQ(back.kind, RelationshipKind::ManyToOne);
  EXPECT_FALSE(back.uselist);
  EXPECT_TRUE(back.nullable);  // parent_id is nullable
  EXPECT_EQ(back.lazy, model::LoaderStrategy::Joined);
  EXPECT_EQ(back.cascade, model::CascadeSaveUpdate | model::CascadeMerge);  // its own options, not the forward's
  EXPECT_EQ(back.back_populates, "children");
  EXPECT_EQ(back.primaryjoin[0].local, &col(child, "parent_id"));
  EXPECT_EQ(back.primaryjoin[0].remote, &col(parent, "id"));

  const model::Relationship& parents = rel(tag, "parents");
  const model::Table& secondary = *c->schema->tables[0];
  EXPECT_EQ(parents.kind, RelationshipKind::ManyToMany);
  EXPECT_EQ(parents.secondary, &secondary);
  EXPECT_EQ(parents.collection, CollectionClass::List);
  EXPECT_EQ(parents.primaryjoin[0].local, &col(tag, "id"));
  EXPECT_EQ(parents.primaryjoin[0].remote, &secondary.columns[1]);
  EXPECT_EQ(parents.secondaryjoin[0].local, &secondary.columns[0]);
  EXPECT_EQ(parents.secondaryjoin[0].remote, &col(parent, "id"));
  EXPECT_EQ(rel(parent, "tags").back_populates, "parents");
}

TEST(SemaRelationships, SelfReferentialBackrefWithRemoteSideAndUselist) {
  const auto c = compile(R"(schema t;
entity Node {
    id: Integer primary_key;
    parent_id: Integer? foreign_key(Node.id);
    children: Node[] relationship(backref = backref("parent", remote_side = [id]));
}
entity Person {
    id: Integer primary_key;
    passport_id: Integer? unique foreign_key(Passport.id);
    passport: Passport? relationship(backref = backref("holder", uselist = false));
}
entity Passport { id: Integer primary_key; }
)");
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& node = entity(*c->schema, "Node");
  EXPECT_EQ(rel(node, "parent").kind, RelationshipKind::ManyToOne);
  EXPECT_EQ(joins(rel(node, "parent").primaryjoin), "parent_id=id");
  const model::Relationship& holder = rel(entity(*c->schema, "Passport"), "holder");
  EXPECT_EQ(holder.kind, RelationshipKind::OneToOne);
  EXPECT_FALSE(holder.uselist);
  EXPECT_EQ(holder.collection, CollectionClass::None);
}

TEST(SemaRelationships, BackPopulatesPairs) {
  const auto c = compile(R"(schema t;
entity Author {
    id: Integer primary_key;
    books: Book[] relationship(back_populates = "author", cascade = "all, delete-orphan");
    groups: Group[] relationship(secondary = membership, back_populates = members);
}
entity Book {
    id: Integer primary_key;
    author_id: Integer foreign_key(Author.id);
    author: Author relationship(back_populates = "books");
}
table membership {
    author_id: Integer foreign_key(Author.id);
    group_id: Integer foreign_key(Group.id);
}
entity Group {
    id: Integer primary_key;
    members: Author[] relationship(secondary = membership, back_populates = groups);
}
)");
  ASSERT_TRUE(c->schema) << c->printed();
  EXPECT_EQ(c->sink.warning_count(), 0u) << c->printed();
  EXPECT_EQ(rel(entity(*c->schema, "Author"), "books").back_populates, "author");
  EXPECT_EQ(rel(entity(*c->schema, "Book"), "author").back_populates, "books");
  EXPECT_EQ(rel(entity(*c->schema, "Group"), "members").back_populates, "groups");
  EXPECT_EQ(joins(rel(entity(*c->schema, "Group"), "members").secondaryjoin), "author_id=id");
}

TEST(SemaRelationships, SelfReferentialManyToManyNamesTheOwnerSide) {
  const auto c = compile(R"(schema t;
table node_to_node {
    left_node_id: Integer primary_key foreign_key(Node.id);
    right_node_id: Integer primary_key foreign_key(Node.id);
}
entity Node {
    id: Integer primary_key;
    right_nodes: Node[] relationship(secondary = node_to_node, foreign_keys = [node_to_node.left_node_id],
                                     backref = "left_nodes");
}
)");
  ASSERT_TRUE(c->schema) << c->printed();
  const model::Entity& node = entity(*c->schema, "Node");
  EXPECT_EQ(joins(rel(node, "right_nodes").primaryjoin), "id=left_node_id");
  EXPECT_EQ(joins(rel(node, "right_nodes").secondaryjoin), "right_node_id=id");
  EXPECT_EQ(joins(rel(node, "left_nodes").primaryjoin), "id=right_node_id");
  EXPECT_EQ(joins(rel(node, "left_nodes").secondaryjoin), "left_node_id=id");
}

TEST(SemaRelationships, CompositeForeignKeyIsOnePath) {
  const auto c = compile(R"(schema t;
entity Order {
    region: String(2) primary_key;
    number: Integer primary_key;
    lines: Line[];
}
entity Line {
    id: Integer primary_key;
    order_region: String(2) foreign_key(Order.region);
    order_number: Integer foreign_key(Order.number);
}
)");
  ASSERT_TRUE(c->schema) << c->printed();
  EXPECT_EQ(joins(rel(entity(*c->schema, "Order"), "lines").primaryjoin), "region=order_region, number=order_number");
}

TEST(SemaImports, ImportedEntitiesAreVisible) {
  const auto users = compile(R"(schema users;
entity User { id: Integer primary_key; name: String; }
)",
                             {}, "users.orm");
  ASSERT_TRUE(users->schema) << users->printed();
  const auto c = compile(R"(schema blog;
import "users.orm";
entity Post {
    id: Integer primary_key;
    author_id: BigInteger foreign_key(User.id);
    author: User;
}
)",
                         {users->schema});
  ASSERT_TRUE(c->schema) << c->printed();
  ASSERT_EQ(c->schema->imports.size(), 1u);
  const model::Entity& user = entity(*users->schema, "User");
  const model::Relationship& author = rel(entity(*c->schema, "Post"), "author");
  EXPECT_EQ(author.target, &user);
  EXPECT_EQ(author.kind, RelationshipKind::ManyToOne);
  EXPECT_EQ(author.primaryjoin[0].remote, &col(user, "id"));
}

// ---------------------------------------------------------------- §1.6: what must be rejected

TEST(SemaErrors, MissingSchema) {
  const auto c = compile("entity A { id: Integer primary_key; }\n");
  EXPECT_EQ(c->diagnostics(), (Lines{"1:1: error: missing 'schema' declaration",
                                     "note: every .orm file starts with 'schema name;' (the C++ namespace of "
                                     "its code)"}));
}

TEST(SemaErrors, UnknownAttributeWithSuggestion) {
  const std::string src = R"(schema bank;
entity Account {
    id: Integer primary_key;
    txs: AccountTransaction[] relationship(order_by = AccountTransaction.timestap);
}
entity AccountTransaction {
    id: Integer primary_key;
    account_id: Integer foreign_key(Account.id);
    timestamp: DateTime;
}
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "timestap") + ": error: unknown attribute 'timestap' of entity 'AccountTransaction'",
                   at(src, "timestamp:") + ": note: did you mean 'timestamp'?"}));
}

TEST(SemaErrors, UnknownTypeEntityAndTableWithSuggestions) {
  const std::string src = R"(schema t;
entity Account {
    id: Intger primary_key;
    owner: Usr;
    user_id: Integer foreign_key(Users.id);
    other_id: Integer foreign_key(User.idd);
    tags: User[] relationship(secondary = acount_tag);
}
entity User { id: Integer primary_key; }
table account_tag { a: Integer; }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "Intger") + ": error: unknown type or entity 'Intger'", "note: did you mean 'Integer'?",
                   at(src, "Usr") + ": error: unknown type or entity 'Usr'",
                   at(src, "User {") + ": note: did you mean 'User'?",
                   at(src, "Users") + ": error: unknown entity or table 'Users'",
                   at(src, "User {") + ": note: did you mean 'User'?",
                   at(src, "idd") + ": error: unknown attribute 'idd' of entity 'User'",
                   at(src, "id: Integer primary_key; }") + ": note: did you mean 'id'?",
                   at(src, "acount_tag") + ": error: unknown entity or table 'acount_tag'",
                   at(src, "account_tag {") + ": note: did you mean 'account_tag'?"}));
  // The unknown type of `id` must not also produce "no primary key".
  EXPECT_EQ(std::string(c->printed()).find("primary key"), std::string::npos);
}

TEST(SemaErrors, DuplicateNames) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; id: Integer; }
entity A { id: Integer primary_key; }
entity B { table "a"; id: Integer primary_key; x: Integer column("ID"); }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "A {", 2) + ": error: duplicate declaration of 'A'",
                   at(src, "A {") + ": note: previous declaration is here",
                   at(src, "id", 2) + ": error: duplicate member 'id' in entity 'A'",
                   at(src, "id") + ": note: previous declaration is here",
                   at(src, "\"ID\"") + ": error: SQL column name 'ID' of 'x' is already used by 'id'",
                   at(src, "id", 4) + ": note: 'id' is declared here",
                   at(src, "\"a\"") + ": error: SQL table name 'a' of entity 'B' is already used by entity 'A'",
                   at(src, "A {") + ": note: entity 'A' is declared here"}));
}

TEST(SemaErrors, NoForeignKeyPath) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; bs: B[]; }
entity B { id: Integer primary_key; }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(), (Lines{at(src, "bs") + ": error: no foreign key path between 'A' and 'B'",
                                     "note: add a column with 'foreign_key(A.id)' to 'B', or join through a table with "
                                     "'relationship(secondary = ...)'"}));
}

TEST(SemaErrors, MoreThanOneForeignKeyPath) {
  const std::string src = R"(schema t;
entity A {
    id: Integer primary_key;
    b_id: Integer foreign_key(B.id);
    b: B;
}
entity B {
    id: Integer primary_key;
    a_id: Integer foreign_key(A.id);
    other_a_id: Integer foreign_key(A.id);
    as: A[];
}
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "b:") + ": error: more than one foreign key path between 'A' and 'B'; specify "
                                   "foreign_keys",
                   at(src, "foreign_key(A.id)") + ": note: 'B.a_id' references 'A.id'",
                   at(src, "foreign_key(A.id)", 2) + ": note: 'B.other_a_id' references 'A.id'",
                   at(src, "foreign_key(B.id)") + ": note: 'A.b_id' references 'B.id'",
                   at(src, "as:") + ": error: more than one foreign key path between 'B' and 'A'; specify "
                                    "foreign_keys",
                   at(src, "foreign_key(B.id)") + ": note: 'A.b_id' references 'B.id'",
                   at(src, "foreign_key(A.id)") + ": note: 'B.a_id' references 'A.id'",
                   at(src, "foreign_key(A.id)", 2) + ": note: 'B.other_a_id' references 'A.id'"}));
}

TEST(SemaErrors, TwoColumnsInOneDirectionNeedForeignKeys) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; bs: B[]; }
entity B {
    id: Integer primary_key;
    a_id: Integer foreign_key(A.id);
    other_a_id: Integer foreign_key(A.id);
}
)";
  const auto c = compile(src);
  ASSERT_FALSE(c->diagnostics().empty());
  EXPECT_EQ(c->diagnostics()[0],
            at(src, "bs") + ": error: more than one foreign key path between 'A' and 'B'; specify foreign_keys");
}

TEST(SemaErrors, LoaderStrategiesWithoutACollection) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; bs: B[] relationship(lazy = "dynamic", collection = set); }
entity B {
    id: Integer primary_key;
    a_id: Integer foreign_key(A.id);
    a: A relationship(lazy = "write_only");
}
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "set") + ": error: 'collection' has no effect with lazy = \"dynamic\": 'A.bs' is "
                                    "never loaded as a whole",
                   at(src, "\"write_only\"") + ": error: lazy = \"write_only\" needs a collection, but 'B.a' is "
                                               "a many-to-one scalar"}));
}

TEST(SemaErrors, DeleteOrphanOnTheManySide) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; }
entity B {
    id: Integer primary_key;
    a_id: Integer foreign_key(A.id);
    a: A relationship(cascade = "all, delete-orphan");
    same_a: A relationship(cascade = "all, delete-orphan", single_parent = true, foreign_keys = a_id);
}
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "delete-orphan") + ": error: on 'B.a', delete-orphan cascade is normally configured "
                                              "only on the \"one\" side of a one-to-many relationship, not on "
                                              "the \"many\" side of a many-to-one relationship",
                   "note: to let a particular 'A' be referred to by only one 'B' at a time via 'B.a', which allows "
                   "delete-orphan here, set single_parent = true"}));
}

TEST(SemaErrors, DeleteOrphanOnManyToMany) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; bs: B[] relationship(secondary = ab, cascade = "delete-orphan,delete"); }
entity B { id: Integer primary_key; }
table ab { a_id: Integer foreign_key(A.id); b_id: Integer foreign_key(B.id); }
)";
  const auto c = compile(src);
  ASSERT_EQ(c->sink.error_count(), 1u) << c->printed();
  EXPECT_NE(std::string(c->diagnostics()[0]).find(at(src, "delete-orphan") + ": error: on 'A.bs', delete-orphan"),
            std::string::npos);
  EXPECT_NE(std::string(c->diagnostics()[0]).find("many-to-many relationship"), std::string::npos);
}

TEST(SemaWarnings, PassiveDeletesWithoutOnDelete) {
  const std::string src = R"(schema t;
entity A {
    id: Integer primary_key;
    bs: B[] relationship(passive_deletes = true);
    cs: C[] relationship(secondary = a_c, passive_deletes = "all");
}
entity B { id: Integer primary_key; a_id: Integer foreign_key(A.id); a: A relationship(passive_deletes = true); }
entity C { id: Integer primary_key; }
table a_c { a_id: Integer foreign_key(A.id, onupdate = "cascade"); c_id: Integer foreign_key(C.id); }
)";
  const auto c = compile(src);
  ASSERT_TRUE(c->schema) << c->printed();  // warnings only
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "true") + ": warning: passive_deletes on 'A.bs' relies on ON DELETE, but foreign "
                                     "key 'B.a_id' has no ondelete; the rows would be orphaned, not deleted",
                   at(src, "foreign_key(A.id)") + ": note: add 'ondelete = \"cascade\"' (or \"set null\") here",
                   at(src, "\"all\"") + ": warning: passive_deletes on 'A.cs' relies on ON DELETE, but foreign "
                                        "key 'a_c.a_id' has no ondelete; the rows would be orphaned, not "
                                        "deleted",
                   at(src, "foreign_key(A.id, onupdate") + ": note: add 'ondelete = \"cascade\"' (or \"set "
                                                           "null\") here",
                   at(src, "true", 2) + ": warning: passive_deletes has no effect on many-to-one 'B.a'; it is "
                                        "configured on the one-to-many side"}));
}

TEST(SemaErrors, BackPopulatesThatDoesNotPointBack) {
  const std::string src = R"(schema t;
entity A {
    id: Integer primary_key;
    bs: B[] relationship(back_populates = "owner");
    cs: B[] relationship(back_populates = "a", foreign_keys = [B.a_id]);
    ds: B[] relationship(back_populates = "aa", foreign_keys = [B.a_id]);
}
entity B {
    id: Integer primary_key;
    a_id: Integer foreign_key(A.id);
    owner: C;
    c_id: Integer foreign_key(C.id);
    a: A relationship(foreign_keys = [a_id]);
}
entity C { id: Integer primary_key; }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "\"owner\"") + ": error: back_populates 'owner' on 'A.bs': 'B.owner' does not point "
                                          "back to 'A'",
                   at(src, "owner:") + ": note: 'B.owner' is a relationship to 'C'",
                   at(src, "\"a\"") + ": warning: 'B.a' does not name 'cs' in back_populates; changes to it "
                                      "won't show in 'A.cs'",
                   at(src, "a: A") + ": note: add 'back_populates = cs' here",
                   at(src, "\"aa\"") + ": error: back_populates 'aa' on 'A.ds': entity 'B' has no member 'aa'",
                   at(src, "a: A") + ": note: did you mean 'a'?"}));
}

TEST(SemaErrors, BackPopulatesWithMismatchedKinds) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; bs: B[] relationship(back_populates = "as"); }
entity B { id: Integer primary_key; a_id: Integer foreign_key(A.id); as: A[] relationship(secondary = ab); }
table ab { a_id: Integer foreign_key(A.id); b_id: Integer foreign_key(B.id); }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "\"as\"") + ": error: back_populates 'as' on 'A.bs': 'A.bs' is one-to-many and "
                                       "'B.as' is many-to-many; a many-to-many pair shares one 'secondary'",
                   at(src, "as:") + ": note: 'B.as' is declared here"}));
}

TEST(SemaErrors, UnknownOptionNamesAndValues) {
  const std::string src = R"(schema t;
entity A {
    id: Integer primary_key;
    tabl "a";
    bs: B[] relationship(lazy = "dynamc", cascde = "all", cascade = "all, delete-orphn", passive_deletes = "yes");
}
entity B { id: Integer primary_key uniqe; a_id: Integer foreign_key(A.id, ondelete = "set nul"); }
)";
  const auto c = compile(src);
  EXPECT_EQ(
      c->diagnostics(),
      (Lines{at(src, "uniqe") + ": error: unknown column modifier 'uniqe'", "note: did you mean 'unique'?",
             at(src, "tabl") + ": error: unknown entity option 'tabl'", "note: did you mean 'table'?",
             at(src, "\"set nul\"") + ": error: unknown ondelete action \"set nul\"; expected cascade, set "
                                      "null, restrict or no action",
             "note: did you mean 'set null'?", at(src, "\"dynamc\"") + ": error: unknown value 'dynamc' for 'lazy'",
             "note: did you mean 'dynamic'?", at(src, "cascde") + ": error: unknown relationship option 'cascde'",
             "note: did you mean 'cascade'?",
             at(src, "delete-orphn") + ": error: unknown value 'delete-orphn' for 'cascade'",
             "note: did you mean 'delete-orphan'?",
             at(src, "\"yes\"") + ": error: expected true, false or \"all\" for 'passive_deletes', got "
                                  "'yes'"}));
}

TEST(SemaErrors, EntityWithoutPrimaryKey) {
  const std::string src = R"(schema t;
entity Log { message: Text; }
table plain { a: Integer; }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(), (Lines{at(src, "Log") + ": error: entity 'Log' has no primary key",
                                     "note: mark a column 'primary_key', e.g. 'id: Integer primary_key;'"}));
}

TEST(SemaErrors, ColumnRules) {
  const std::string src = R"(schema t;
entity E {
    id: Integer? primary_key;
    ormc_state: Integer;
    tags: Integer[];
    s: String(0);
    n: Numeric(10);
    m: Numeric(3, 4);
    count: Integer default("one");
    small: SmallInteger default(40000);
    day: Date default("2023-02-29");
    price: Numeric(5, 2) default("1234.5");
    created: Integer server_default(now());
    later: DateTime default(now());
    code: String autoincrement(true);
    name: String(3) default("abcd");
    other: Integer unique unique;
}
)";
  const auto c = compile(src);
  EXPECT_EQ(
      c->diagnostics(),
      (Lines{at(src, "primary_key") + ": error: primary key column 'id' can't be nullable",
             at(src, "Integer?") + ": note: remove the '?' from its type",
             at(src, "ormc_state") + ": error: member names starting with 'ormc_' are reserved",
             at(src, "Integer[]") + ": error: a column can't be a collection; '[]' applies to entity types",
             at(src, "0)") + ": error: string length must be between 1 and 10485760, got 0",
             at(src, "10)") + ": error: 'Numeric' needs a precision and a scale: Numeric(p, s)",
             at(src, "4)") + ": error: numeric scale must be between 0 and the precision (3), got 4",
             at(src, "\"one\"") + ": error: the default of Integer column 'count' must be an integer, got a string",
             at(src, "40000") + ": error: 40000 is out of range for the default of SmallInteger column "
                                "'small' (-32768 to 32767)",
             at(src, "\"2023-02-29\"") + ": error: invalid value \"2023-02-29\" for the default of Date column "
                                         "'day'; expected a date \"YYYY-MM-DD\"",
             at(src, "\"1234.5\"") + ": error: invalid value \"1234.5\" for the default of Numeric(5, 2) column "
                                     "'price'; it doesn't fit Numeric(5, 2)",
             at(src, "now()") + ": error: now() needs a Date or DateTime column, but 'created' is Integer",
             at(src, "now()", 2) + ": error: now() is evaluated by the database; use server_default(now())",
             at(src, "\"abcd\"") + ": error: invalid value \"abcd\" for the default of String(3) column 'name'; "
                                   "it is longer than 3 characters",
             at(src, "unique", 2) + ": error: duplicate modifier 'unique'",
             at(src, "unique") + ": note: first given here",
             at(src, "autoincrement") + ": error: autoincrement applies only to a primary key column; 'code' "
                                        "is not one"}));
}

TEST(SemaErrors, ForeignKeyTargets) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; name: String; }
entity B {
    id: Integer primary_key;
    a_name: String foreign_key(A.id);
    a_id: Integer foreign_key(A);
    by_name: String foreign_key(A.name);
}
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "A.id)") + ": error: foreign key 'a_name' of type 'String' can't reference 'A.id' "
                                      "of type 'Integer'",
                   at(src, "id:") + ": note: 'id' is declared here",
                   at(src, "A)") + ": error: expected 'Entity.attr' for foreign_key, got 'A'",
                   at(src, "id:") + ": note: did you mean 'A.id'?",
                   at(src, "A.name") + ": error: foreign key target 'A.name' is neither a primary key nor unique",
                   at(src, "name:") + ": note: mark it 'unique', or reference the primary key"}));
}

TEST(SemaErrors, RelationshipDirections) {
  const std::string src = R"(schema t;
entity A {
    id: Integer primary_key;
    b_id: Integer foreign_key(B.id);
    bs: B[];
}
entity B { id: Integer primary_key; }
entity Node {
    id: Integer primary_key;
    parent_id: Integer? foreign_key(Node.id);
    parent: Node?;
    kids: Node[] relationship(remote_side = [Node.id]);
    up: Node? relationship(order_by = id);
}
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "bs") + ": error: 'B[]' needs a foreign key on 'B' referencing 'A'",
                   at(src, "foreign_key(B.id)") + ": note: 'A.b_id' references 'B.id'",
                   "note: with the foreign key on 'A', 'A.bs' is many-to-one: declare it as 'B' or 'B?'",
                   at(src, "parent:") + ": error: self-referential scalar 'Node.parent' needs remote_side to "
                                        "tell its direction",
                   "note: 'relationship(remote_side = [Node.id])' makes it many-to-one (e.g. a parent); a "
                   "one-to-many is declared as a collection 'Node[]'",
                   at(src, "kids") + ": error: remote_side makes 'Node.kids' many-to-one, so it can't be a "
                                     "collection; declare it as 'Node?'",
                   at(src, "up:") + ": error: self-referential scalar 'Node.up' needs remote_side to tell its "
                                    "direction",
                   "note: 'relationship(remote_side = [Node.id])' makes it many-to-one (e.g. a parent); a "
                   "one-to-many is declared as a collection 'Node[]'"}));
}

TEST(SemaErrors, OrderByOnAScalarAndBackrefCollision) {
  const std::string src = R"(schema t;
entity A { id: Integer primary_key; bs: B[] relationship(backref = "a"); }
entity B {
    id: Integer primary_key;
    a_id: Integer foreign_key(A.id);
    a: A relationship(order_by = A.id);
}
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "A.id", 2) + ": error: order_by applies to collections; 'B.a' is a many-to-one scalar",
                   at(src, "\"a\"") + ": error: backref 'a' of 'A.bs' collides with member 'B.a'",
                   at(src, "a: A") + ": note: 'a' is declared here"}));
}

TEST(SemaErrors, MoreRelationshipRules) {
  const std::string src = R"(schema t;
entity A {
    id: Integer primary_key;
    bs: B[] relationship(viewonly = true, cascade = "merge, delete");
    cs: B[] relationship(passive_deletes = "all", cascade = "all", foreign_keys = B.a_id);
    ds: B[] relationship(backref = backref("a", uselist = true));
    es: B[] relationship(secondary = ab_half);
    fs: B[] relationship(foreign_keys = [B.id], remote_side = [B.nope]);
}
entity B { id: Integer primary_key; a_id: Integer foreign_key(A.id, ondelete = "cascade"); }
table ab_half { b_id: Integer foreign_key(B.id); }
entity N {
    id: Integer primary_key;
    ns: N[] relationship(secondary = nn);
}
table nn { l: Integer foreign_key(N.id); r: Integer foreign_key(N.id); }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "ab_half") + ": error: secondary 'ab_half' has no foreign key to 'A'",
                   at(src, "ab_half {") + ": note: 'ab_half' is declared here",
                   at(src, "B.id]") + ": error: 'B.id' has no foreign_key(...), so it can't join 'A.fs'",
                   at(src, "id: Integer primary_key; a_id") + ": note: 'id' is declared here",
                   at(src, "nope") + ": error: unknown attribute 'nope' of entity 'B'",
                   at(src, "ns:") + ": error: self-referential many-to-many through 'nn' needs foreign_keys naming the "
                                    "columns that reference the owner's side",
                   at(src, "foreign_key(N.id)") + ": note: 'nn.l' references 'N.id'",
                   at(src, "foreign_key(N.id)", 2) + ": note: 'nn.r' references 'N.id'",
                   at(src, "true))") + ": error: backref 'a' of one-to-many 'A.ds' is many-to-one; it can't be a list",
                   at(src, "delete\"") + ": error: on 'A.bs', save-update, delete and delete-orphan cascades apply to "
                                         "persistence and can't be combined with viewonly = true",
                   at(src, "\"all\"") + ": error: on 'A.cs', passive_deletes = \"all\" can't be combined with 'delete' "
                                        "or 'delete-orphan' cascade"}));
}

TEST(SemaErrors, ManyErrorsInOneRun) {
  const std::string src = R"(schema t;
entity A {
    id: Integer primary_key;
    bs: B[] relationship(lazy = "eager");
}
entity B { idd: Integer; }
entity C { id: Integer primary_key; x: Strng; y: Integer default(true); }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->schema, nullptr);
  EXPECT_EQ(c->sink.error_count(), 5u) << c->printed();
  const auto d = c->diagnostics();
  EXPECT_TRUE(contains(d, at(src, "Strng") + ": error: unknown type or entity 'Strng'"));
  EXPECT_TRUE(contains(d, at(src, "B {") + ": error: entity 'B' has no primary key"));
  EXPECT_TRUE(
      contains(d, at(src, "true") + ": error: the default of Integer column 'y' must be an integer, got 'true'"));
  EXPECT_TRUE(contains(d, at(src, "\"eager\"") + ": error: unknown value 'eager' for 'lazy'"));
  EXPECT_TRUE(contains(d, at(src, "bs") + ": error: no foreign key path between 'A' and 'B'"));
}

TEST(SemaErrors, PrintedClangStyle) {
  const std::string src = "schema t;\nentity A { id: Integer primary_key; n: Intger; }\n";
  const auto c = compile(src, {}, "dir/x.orm");
  EXPECT_EQ(c->printed(),
            "dir/x.orm:2:40: error: unknown type or entity 'Intger'\n"
            "entity A { id: Integer primary_key; n: Intger; }\n"
            "                                       ^~~~~~\n"
            "note: did you mean 'Integer'?\n");
}

TEST(SemaErrors, ImportedNamesClashAndBackrefOntoImport) {
  const auto users = compile("schema users;\nentity User { id: Integer primary_key; }\n", {}, "users.orm");
  ASSERT_TRUE(users->schema);
  const std::string src = R"(schema blog;
import "users.orm";
entity User { id: Integer primary_key; }
entity Post {
    id: Integer primary_key;
    user_id: Integer foreign_key(User.id);
}
entity Member { table "user"; id: Integer primary_key; }
)";
  const auto c = compile(src, {users->schema});
  EXPECT_EQ(c->diagnostics(), (Lines{at(src, "User {") + ": error: duplicate declaration of 'User'",
                                     "users.orm:2:8: note: previously declared in an imported file here",
                                     at(src, "\"user\"") + ": error: SQL table name 'user' of entity 'Member' is "
                                                             "already used by entity 'User'",
                                     "users.orm:2:8: note: entity 'User' is declared here"}));

  const std::string src2 = R"(schema blog;
import "users.orm";
entity Post {
    id: Integer primary_key;
    user_id: Integer foreign_key(User.id);
    user: User relationship(backref = "posts");
}
)";
  const auto c2 = compile(src2, {users->schema});
  EXPECT_EQ(c2->diagnostics(),
            (Lines{at(src2, "\"posts\"") + ": error: backref 'posts' would add a member to 'User', which is "
                                           "declared in an imported file; declare it there with "
                                           "back_populates"}));
}

TEST(SemaErrors, ShapesOfOptions) {
  const std::string src = R"(schema t;
entity A {
    id: Integer primary_key;
    order_by = nope;
    table = 5;
    eager_defaults = "yes";
    unique();
    bs: B[] relationship("x", join_depth = -1, uselist = true, collection = map);
}
entity B { id: Integer primary_key; a_id: Integer foreign_key(A.id) relationship; }
table t { a: Integer; order_by = a; }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->diagnostics(),
            (Lines{at(src, "relationship;") + ": error: 'relationship' applies to members whose type is an "
                                              "entity; 'a_id' is a column of type 'Integer'",
                   at(src, "nope") + ": error: unknown attribute 'nope' of entity 'A'",
                   at(src, "5") + ": error: expected a string for 'table', got an integer",
                   at(src, "\"yes\"") + ": error: expected 'true' or 'false' for 'eager_defaults', got a string",
                   at(src, "unique") + ": error: expected at least one column: unique(a, b);",
                   at(src, "order_by", 2) + ": error: 'order_by' is an entity option; table 't' maps no class",
                   at(src, "\"x\"") + ": error: relationship options are named, e.g. relationship(lazy = "
                                      "\"dynamic\")",
                   at(src, "-1") + ": error: join_depth must be between 0 and 1000, got -1",
                   at(src, "uselist") + ": error: unknown relationship option 'uselist'",
                   "note: a member is a list when its type is written 'Target[]'",
                   at(src, "map") + ": error: expected the key column: map(Target.attr)"}));
}

// ---------------------------------------------------------------- robustness

TEST(SemaRobustness, HandBuiltOddTreesNeverCrash) {
  diag::SourceFile source("odd.orm", "schema odd;\n");
  ast::File file;
  file.source = &source;
  file.schema = std::vector<ast::Ident>{{"odd", {}}};
  ast::Entity e;
  e.name.text = "E";
  ast::Member empty_name;  // a recovered member: empty names
  e.members.push_back(empty_name);
  ast::Member weird;
  weird.name.text = "w";
  weird.type.name.text = "E";
  ast::Modifier m;
  m.name.text = "relationship";
  ast::Arg a;
  a.name = ast::Ident{"order_by", {}};
  a.value.kind = ast::Expr::Kind::Call;  // a call with no callee
  m.args.push_back(a);
  ast::Arg b;
  b.name = ast::Ident{"foreign_keys", {}};
  b.value.kind = ast::Expr::Kind::List;
  ast::Arg nested;
  nested.value.kind = ast::Expr::Kind::List;
  b.value.args.push_back(nested);
  m.args.push_back(b);
  ast::Arg c;
  c.name = ast::Ident{"backref", {}};
  c.value.kind = ast::Expr::Kind::Call;
  c.value.path.push_back(ast::Ident{"backref", {}});
  m.args.push_back(c);
  weird.modifiers.push_back(m);
  e.members.push_back(weird);
  ast::Member column;
  column.name.text = "id";
  column.type.name.text = "Numeric";
  column.type.has_args = true;
  ast::Modifier fk;
  fk.name.text = "foreign_key";
  fk.has_args = true;
  ast::Arg path;
  path.value.kind = ast::Expr::Kind::Path;  // an empty path
  fk.args.push_back(path);
  column.modifiers.push_back(fk);
  e.members.push_back(column);
  ast::EntityOption option;
  option.name.text = "order_by";
  option.form = ast::EntityOption::Form::Assign;  // without a value
  e.options.push_back(option);
  file.entities.push_back(e);
  file.entities.push_back(ast::Entity{});  // no name at all

  diag::Sink sink;
  EXPECT_EQ(analyze(file, {}, sink), nullptr);
  EXPECT_GT(sink.error_count(), 0u);
}

// Columns referencing every column of a two-column primary key form one composite foreign key
// (a database checks the key as a whole); two such references to one table are two groups, paired
// in column order.
TEST(SemaForeignKeys, ColumnsReferencingACompositeKeyFormOneConstraintEach) {
  const std::string src = R"(schema t;
entity Zone { code: String(8) primary_key; num: Integer primary_key autoincrement(false); }
entity Site {
    id: Integer primary_key;
    home_code: String(8)? foreign_key(Zone.code);
    home_num: Integer? foreign_key(Zone.num);
    away_num: Integer? foreign_key(Zone.num);
    away_code: String(8)? foreign_key(Zone.code);
    plain: Integer?;
}
)";
  const auto c = compile(src);
  ASSERT_NE(c->schema, nullptr) << testing::PrintToString(c->diagnostics());
  const model::Table* site = nullptr;
  for (const auto& e : c->schema->entities)
    if (e->name == "Site") site = &e->table;
  ASSERT_NE(site, nullptr);
  const auto group = [&](const std::string& attribute) -> int {
    const model::Column* column = site->find_column(attribute);
    return column && column->foreign_key ? column->foreign_key->composite : -1;
  };
  EXPECT_EQ(group("home_code"), 1);
  EXPECT_EQ(group("home_num"), 1);
  EXPECT_EQ(group("away_num"), 2);
  EXPECT_EQ(group("away_code"), 2);
  EXPECT_EQ(group("plain"), -1);
}

TEST(SemaErrors, ForeignKeyToOneColumnOfACompositeKey) {
  const std::string src = R"(schema t;
entity Zone { code: String(8) primary_key; num: Integer primary_key autoincrement(false); }
entity Site { id: Integer primary_key; zone_code: String(8)? foreign_key(Zone.code); }
)";
  const auto c = compile(src);
  EXPECT_EQ(c->schema, nullptr);
  EXPECT_TRUE(contains(c->diagnostics(), at(src, "foreign_key(Zone.code)") +
                                             ": error: foreign key 'zone_code' references 'Zone.code', one column "
                                             "of a 2-column primary key: reference every key column, each from a "
                                             "column of its own"))
      << testing::PrintToString(c->diagnostics());
}

}  // namespace
}  // namespace ormc::sema
