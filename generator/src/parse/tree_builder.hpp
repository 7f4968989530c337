// Turns the ANTLR parse tree of one .orm file into a plain ast::File; internal to the parse layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "OrmcParser.h"
#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"

namespace ormc::parse {

/// Maps ANTLR token positions to diag::Locations. This is the one place where ANTLR's
/// 0-based code-point positions become the 1-based byte columns that Location and the caret
/// printer use (the two differ on lines with non-ASCII text before the token).
class TokenLocator {
 public:
  /// `skipped_code_points`: how many leading code points ANTLR dropped (a BOM, in 4.9).
  TokenLocator(const diag::SourceFile& source, std::size_t skipped_code_points);

  [[nodiscard]] const diag::SourceFile& source() const { return source_; }
  /// The token itself; length = its byte length.
  [[nodiscard]] diag::Location at(const antlr4::Token& token) const;
  /// Just past the token (length 1), e.g. for "expected ';'" after the last token of a line.
  [[nodiscard]] diag::Location after(const antlr4::Token& token) const;
  /// From `first` to the end of `last` when both are on one line, else `first` alone.
  [[nodiscard]] diag::Location span(const antlr4::Token& first, const antlr4::Token& last) const;
  /// A byte offset into the source text (for checks that run before lexing).
  [[nodiscard]] diag::Location at_byte(std::size_t offset, std::uint32_t length) const;
  /// A line and 0-based code-point column as ANTLR reports them without a token.
  [[nodiscard]] diag::Location at_position(std::size_t line, std::size_t column) const;

 private:
  [[nodiscard]] std::size_t byte_offset(std::size_t code_point_index) const;
  [[nodiscard]] std::size_t line_start(std::size_t line) const;
  [[nodiscard]] diag::Location make(std::size_t line, std::size_t offset, std::size_t length) const;

  const diag::SourceFile& source_;
  std::size_t skipped_code_points_;
  /// For each multi-byte UTF-8 character: its code-point index and the extra bytes (beyond
  /// one per code point) up to and including it. Empty for ASCII text, small for most text.
  std::vector<std::pair<std::size_t, std::size_t>> extra_bytes_;
};

/// Builds the AST. The tree may come from error recovery: every child can be missing, and
/// tokens can be conjured; those become empty names rather than crashes. Reports the few
/// errors that only show once the tree exists (bad escapes, integer range, a misplaced or
/// repeated `schema`, a repeated type suffix).
class TreeBuilder {
 public:
  TreeBuilder(const TokenLocator& locate, diag::Sink& sink) : locate_(locate), sink_(sink) {}

  ast::File build(ormc_grammar_internal::OrmcParser::FileContext& file);

 private:
  using P = ormc_grammar_internal::OrmcParser;

  void schema(P::SchemaDeclContext& ctx, bool is_first, ast::File& file);
  ast::Import import(P::ImportDeclContext& ctx);
  ast::Entity entity(P::EntityDeclContext& ctx);
  ast::Member member(P::MemberContext& ctx);
  ast::EntityOption option(P::EntityOptionContext& ctx);
  ast::TypeRef type(P::TypeRefContext& ctx);
  ast::Modifier modifier(P::ModifierContext& ctx);
  std::vector<ast::Arg> arguments(P::ArgumentsContext& ctx);
  ast::Arg arg(P::ArgContext& ctx);
  ast::Expr expr(P::ExprContext& ctx);
  ast::Expr integer(antlr4::Token& token);
  std::string string(antlr4::Token& token);
  std::vector<ast::Ident> dotted(P::DottedNameContext* ctx);
  ast::Ident ident(P::IdentContext* ctx, antlr4::ParserRuleContext& owner);
  diag::Location where(antlr4::ParserRuleContext& ctx) const;

  const TokenLocator& locate_;
  diag::Sink& sink_;
};

}  // namespace ormc::parse
