// C++ naming rules of generated code, pinned by a table (CONVENTIONS §3).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "codegen/names.hpp"

namespace names = ormc::codegen::names;

TEST(Names, GettersAvoidKeywordsAndTheClassOwnNames) {
  const std::pair<const char*, const char*> rows[] = {
      {"name", "name"}, {"class", "class_"}, {"c", "c_"},           {"create", "create_"},
      {"table", "table"}, {"session", "session"}, {"Fields", "Fields_"}, {"co_await", "co_await_"},
      {"int", "int_"},  {"Row", "Row_"},
  };
  for (const auto& [attr, want] : rows) EXPECT_EQ(names::getter(attr), want) << attr;
}

TEST(Names, MembersEscapeOnlyKeywords) {
  EXPECT_EQ(names::member("c"), "c");
  EXPECT_EQ(names::member("class"), "class_");
  EXPECT_EQ(names::member("order"), "order");
  EXPECT_EQ(names::setter("class"), "set_class");
}

TEST(Names, NamespacesAndQualifiedNames) {
  EXPECT_EQ(names::cpp_namespace({"acme", "bank"}), "acme::bank");
  EXPECT_EQ(names::cpp_namespace({"new", "x"}), "new_::x");
}

TEST(Names, StringLiteralsEscapeEverythingOdd) {
  EXPECT_EQ(names::string_literal("plain"), "\"plain\"");
  EXPECT_EQ(names::string_literal("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(names::string_literal(std::string("?") + "?="), "\"\\077\\077=\"") << "no trigraphs";
  EXPECT_EQ(names::string_literal(std::string("\x01", 1)), "\"\\001\"");
}

TEST(Names, OutputStems) {
  EXPECT_EQ(names::stem("model/bank.orm"), "bank");
  EXPECT_EQ(names::stem("bank.orm"), "bank");
  EXPECT_EQ(names::stem("/abs/dir/x.y.orm"), "x.y");
}

TEST(Names, ColumnTypes) {
  ormc::model::Column c;
  c.type = ormc::model::ColumnType::String;
  EXPECT_EQ(names::value_type(c), "std::string");
  EXPECT_EQ(names::getter_type(c), "const std::string&");
  c.nullable = true;
  EXPECT_EQ(names::value_type(c), "std::optional<std::string>");
  c.type = ormc::model::ColumnType::Integer;
  c.nullable = false;
  EXPECT_EQ(names::getter_type(c), "std::int32_t");
  c.type = ormc::model::ColumnType::Numeric;
  EXPECT_EQ(names::getter_type(c), "const ::ormc::Decimal&");
  c.type = ormc::model::ColumnType::DateTime;
  EXPECT_EQ(names::value_type(c), "::ormc::Timestamp");
}

// The rule of names::accessors: escaping depends only on the entity's attributes, in order.
TEST(Names, AccessorsNeverCollideWithinAnEntity) {
  const auto a = names::accessors({"x", "set_x", "class", "class_", "c", "set_set_x"});
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a[0].getter, "x");
  EXPECT_EQ(a[0].setter, "set_x");
  EXPECT_EQ(a[1].getter, "set_x_") << "the getter of `set_x` would overload the setter of `x`";
  EXPECT_EQ(a[1].setter, "set_set_x");
  EXPECT_EQ(a[2].member, "class__") << "`class_` is another column's name";
  EXPECT_EQ(a[2].getter, "class__");
  EXPECT_EQ(a[3].member, "class_");
  EXPECT_EQ(a[3].getter, "class_");
  EXPECT_EQ(a[4].member, "c");
  EXPECT_EQ(a[4].getter, "c_") << "`c` is the static column-handle member";
  EXPECT_EQ(a[5].getter, "set_set_x_") << "`set_set_x` is the setter of `set_x`";
  std::set<std::string> getters, members;
  for (const auto& n : a) {
    EXPECT_TRUE(getters.insert(n.getter).second) << n.getter;
    EXPECT_TRUE(members.insert(n.member).second) << n.member;
  }
}

TEST(Names, FileNamespaces) {
  EXPECT_EQ(names::file_namespace("model/shop.orm"), "ormc_schema_shop");
  EXPECT_EQ(names::file_namespace("my-schema.v2.orm"), "ormc_schema_my_schema_v2");
}
