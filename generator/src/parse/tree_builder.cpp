// Parse tree -> AST, plus TokenLocator, the only conversion from ANTLR positions to Locations.
#include "parse/tree_builder.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <string>

namespace ormc::parse {

namespace {

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

/// Error recovery conjures tokens ("<missing ';'>") that are in no input position.
bool is_conjured(const antlr4::Token& token) { return token.getTokenIndex() == INVALID_INDEX; }

/// The first real token matched directly by `ctx` (not an error node), or null.
antlr4::Token* matched_token(antlr4::ParserRuleContext* ctx) {
  if (ctx == nullptr) return nullptr;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
    if (terminal == nullptr || dynamic_cast<antlr4::tree::ErrorNode*>(child) != nullptr) continue;
    if (antlr4::Token* token = terminal->getSymbol(); token != nullptr && !is_conjured(*token)) return token;
  }
  return nullptr;
}

antlr4::Token* symbol(antlr4::tree::TerminalNode* node) {
  if (node == nullptr || node->getSymbol() == nullptr || is_conjured(*node->getSymbol())) return nullptr;
  return node->getSymbol();
}

}  // namespace

// ---------------------------------------------------------------- TokenLocator

TokenLocator::TokenLocator(const diag::SourceFile& source, std::size_t skipped_code_points)
    : source_(source), skipped_code_points_(skipped_code_points) {
  std::size_t code_points = 0;
  std::size_t extra = 0;
  for (const char c : source_.text()) {
    if (!is_utf8_continuation(c)) {
      ++code_points;
      continue;
    }
    if (code_points == 0) continue;  // invalid UTF-8; such text is rejected before lexing
    ++extra;
    const std::size_t index = code_points - 1;
    if (!extra_bytes_.empty() && extra_bytes_.back().first == index) {
      extra_bytes_.back().second = extra;
    } else {
      extra_bytes_.emplace_back(index, extra);
    }
  }
}

std::size_t TokenLocator::byte_offset(std::size_t code_point_index) const {
  const std::size_t index = code_point_index + skipped_code_points_;
  // Extra bytes of every multi-byte character strictly before `index`.
  const auto next = std::lower_bound(extra_bytes_.begin(), extra_bytes_.end(), index,
                                     [](const auto& entry, std::size_t i) { return entry.first < i; });
  return index + (next == extra_bytes_.begin() ? 0 : std::prev(next)->second);
}

std::size_t TokenLocator::line_start(std::size_t line) const {
  if (line == 0 || line > source_.line_count()) return source_.text().size();
  return static_cast<std::size_t>(source_.line(static_cast<std::uint32_t>(line)).data() - source_.text().data());
}

diag::Location TokenLocator::make(std::size_t line, std::size_t offset, std::size_t length) const {
  const std::size_t start = line_start(line);
  diag::Location where;
  where.file = &source_;
  where.line = static_cast<std::uint32_t>(line);
  // The one place where a 0-based position becomes a 1-based column.
  where.column = static_cast<std::uint32_t>(offset >= start ? offset - start + 1 : 1);
  where.length = static_cast<std::uint32_t>(std::max<std::size_t>(length, 1));
  return where;
}

diag::Location TokenLocator::at(const antlr4::Token& token) const {
  const std::size_t first = token.getStartIndex();
  if (first == INVALID_INDEX) return at_position(token.getLine(), token.getCharPositionInLine());
  const std::size_t last = token.getStopIndex();  // inclusive; first - 1 for EOF
  const std::size_t offset = byte_offset(first);
  const std::size_t length = last != INVALID_INDEX && last >= first ? byte_offset(last + 1) - offset : 0;
  return make(token.getLine(), offset, length);
}

diag::Location TokenLocator::after(const antlr4::Token& token) const {
  diag::Location where = at(token);
  where.column += where.length;
  where.length = 1;
  return where;
}

diag::Location TokenLocator::span(const antlr4::Token& first, const antlr4::Token& last) const {
  diag::Location where = at(first);
  const diag::Location end = at(last);
  if (end.line == where.line && end.column >= where.column) where.length = end.column + end.length - where.column;
  return where;
}

diag::Location TokenLocator::at_byte(std::size_t offset, std::uint32_t length) const {
  const std::string& text = source_.text();
  offset = std::min(offset, text.size());
  const auto line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
  return make(line, offset, length);
}

diag::Location TokenLocator::at_position(std::size_t line, std::size_t column) const {
  const std::string_view text = source_.line(static_cast<std::uint32_t>(line));
  // ANTLR counts code points, after any it dropped at the start of the file.
  std::size_t wanted = column + (line == 1 ? skipped_code_points_ : 0);
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    if (is_utf8_continuation(text[i])) continue;
    if (wanted == 0) break;
    --wanted;
  }
  return make(line, line_start(line) + i, 1);
}

// ---------------------------------------------------------------- TreeBuilder

ast::File TreeBuilder::build(P::FileContext& ctx) {
  ast::File file;
  file.source = &locate_.source();
  bool first = true;
  for (P::TopLevelDeclContext* decl : ctx.topLevelDecl()) {
    if (P::SchemaDeclContext* schema_decl = decl->schemaDecl()) {
      schema(*schema_decl, first, file);
    } else if (P::ImportDeclContext* import_decl = decl->importDecl()) {
      file.imports.push_back(import(*import_decl));
    } else if (P::EntityDeclContext* entity_decl = decl->entityDecl()) {
      file.entities.push_back(entity(*entity_decl));
    }
    first = false;
  }
  return file;
}

void TreeBuilder::schema(P::SchemaDeclContext& ctx, bool is_first, ast::File& file) {
  if (file.schema) {
    diag::Diagnostic& error = sink_.error(where(ctx), "duplicate 'schema' declaration");
    diag::Sink::note(error, file.schema_where, "the first 'schema' declaration is here");
    return;
  }
  // Later declarations would otherwise be read in a namespace they were not written for.
  if (!is_first) sink_.error(where(ctx), "'schema' must be the first declaration in the file");
  file.schema = dotted(ctx.dottedName());
  file.schema_where = ctx.dottedName() != nullptr ? where(*ctx.dottedName()) : where(ctx);
}

ast::Import TreeBuilder::import(P::ImportDeclContext& ctx) {
  ast::Import result;
  if (antlr4::Token* path = symbol(ctx.STRING())) {
    result.path = string(*path);
    result.where = locate_.at(*path);
  } else {
    result.where = where(ctx);
  }
  return result;
}

ast::Entity TreeBuilder::entity(P::EntityDeclContext& ctx) {
  ast::Entity result;
  result.is_table = ctx.kind != nullptr && ctx.kind->getType() == P::TABLE;
  result.name = ident(ctx.ident(), ctx);
  // `entity Name`: the body spans many lines, and a caret under the header reads best.
  result.where = ctx.ident() != nullptr && ctx.ident()->getStop() != nullptr
                     ? locate_.span(*ctx.getStart(), *ctx.ident()->getStop())
                     : where(ctx);
  for (P::EntityItemContext* item : ctx.entityItem()) {
    if (P::MemberContext* member_ctx = item->member()) {
      result.members.push_back(member(*member_ctx));
    } else if (P::EntityOptionContext* option_ctx = item->entityOption()) {
      result.options.push_back(option(*option_ctx));
    }
  }
  return result;
}

ast::Member TreeBuilder::member(P::MemberContext& ctx) {
  ast::Member result;
  result.name = ident(ctx.ident(), ctx);
  if (ctx.typeRef() != nullptr) {
    result.type = type(*ctx.typeRef());
  } else {
    result.type.where = where(ctx);
  }
  for (P::ModifierContext* modifier_ctx : ctx.modifier()) result.modifiers.push_back(modifier(*modifier_ctx));
  result.where = where(ctx);
  return result;
}

ast::EntityOption TreeBuilder::option(P::EntityOptionContext& ctx) {
  ast::EntityOption result;
  result.where = where(ctx);
  if (auto* call = dynamic_cast<P::CallOptionContext*>(&ctx)) {
    result.form = ast::EntityOption::Form::Call;
    result.name = ident(call->ident(), ctx);
    if (call->arguments() != nullptr) result.args = arguments(*call->arguments());
  } else if (auto* assign = dynamic_cast<P::AssignOptionContext*>(&ctx)) {
    result.form = ast::EntityOption::Form::Assign;
    result.name = ident(assign->ident(), ctx);
    if (assign->expr() != nullptr) result.value = expr(*assign->expr());
  } else if (auto* value = dynamic_cast<P::ValueOptionContext*>(&ctx)) {
    result.form = ast::EntityOption::Form::Value;
    result.name = ident(value->ident(), ctx);
    if (value->expr() != nullptr) result.value = expr(*value->expr());
  } else {
    result.name = ident(nullptr, ctx);  // no alternative matched; the error is reported already
  }
  return result;
}

ast::TypeRef TreeBuilder::type(P::TypeRefContext& ctx) {
  ast::TypeRef result;
  result.name = ident(ctx.ident(), ctx);
  result.where = where(ctx);
  if (ctx.arguments() != nullptr) {
    result.has_args = true;
    result.args = arguments(*ctx.arguments());
  }
  for (P::TypeSuffixContext* suffix : ctx.typeSuffix()) {
    const bool nullable = dynamic_cast<P::NullableSuffixContext*>(suffix) != nullptr;
    bool& flag = nullable ? result.nullable : result.collection;
    if (flag) sink_.error(where(*suffix), nullable ? "duplicate '?' in type" : "duplicate '[]' in type");
    flag = true;
  }
  return result;
}

ast::Modifier TreeBuilder::modifier(P::ModifierContext& ctx) {
  ast::Modifier result;
  result.name = ident(ctx.ident(), ctx);
  result.where = where(ctx);
  if (ctx.arguments() != nullptr) {
    result.has_args = true;
    result.args = arguments(*ctx.arguments());
  }
  return result;
}

std::vector<ast::Arg> TreeBuilder::arguments(P::ArgumentsContext& ctx) {
  std::vector<ast::Arg> result;
  for (P::ArgContext* arg_ctx : ctx.arg()) result.push_back(arg(*arg_ctx));
  return result;
}

ast::Arg TreeBuilder::arg(P::ArgContext& ctx) {
  ast::Arg result;
  if (ctx.ident() != nullptr) result.name = ident(ctx.ident(), ctx);
  if (ctx.expr() != nullptr) result.value = expr(*ctx.expr());
  result.where = where(ctx);
  return result;
}

ast::Expr TreeBuilder::expr(P::ExprContext& ctx) {
  ast::Expr result;
  if (auto* integer_ctx = dynamic_cast<P::IntegerExprContext*>(&ctx)) {
    if (antlr4::Token* token = symbol(integer_ctx->INTEGER())) result = integer(*token);
  } else if (auto* string_ctx = dynamic_cast<P::StringExprContext*>(&ctx)) {
    result.kind = ast::Expr::Kind::String;
    if (antlr4::Token* token = symbol(string_ctx->STRING())) result.text = string(*token);
  } else if (auto* boolean = dynamic_cast<P::BooleanExprContext*>(&ctx)) {
    result.kind = ast::Expr::Kind::Boolean;
    result.boolean = boolean->value != nullptr && boolean->value->getType() == P::TRUE;
  } else if (auto* call = dynamic_cast<P::CallExprContext*>(&ctx)) {
    result.kind = ast::Expr::Kind::Call;
    result.path.push_back(ident(call->ident(), ctx));
    if (call->arguments() != nullptr) result.args = arguments(*call->arguments());
  } else if (auto* path = dynamic_cast<P::PathExprContext*>(&ctx)) {
    result.kind = ast::Expr::Kind::Path;
    result.path = dotted(path->dottedName());
    if (path->order != nullptr && !is_conjured(*path->order)) {
      result.order = ast::Ident{path->order->getText(), locate_.at(*path->order)};
    }
  } else if (auto* list = dynamic_cast<P::ListExprContext*>(&ctx)) {
    result.kind = ast::Expr::Kind::List;
    for (P::ExprContext* element : list->expr()) {
      ast::Arg arg_value;
      arg_value.value = expr(*element);
      arg_value.where = arg_value.value.where;
      result.args.push_back(std::move(arg_value));
    }
  }
  result.where = where(ctx);
  return result;
}

ast::Expr TreeBuilder::integer(antlr4::Token& token) {
  ast::Expr result;
  result.kind = ast::Expr::Kind::Integer;
  const std::string text = token.getText();
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), result.integer);
  if (error != std::errc() || end != text.data() + text.size()) {
    sink_.error(locate_.at(token), "integer literal is out of range (it must fit in 64 bits)");
  }
  return result;
}

std::string TreeBuilder::string(antlr4::Token& token) {
  const std::string text = token.getText();  // with its quotes; no closing one if unterminated
  std::string decoded;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') break;
    if (c != '\\') {
      decoded += c;
      continue;
    }
    if (i + 1 == text.size()) break;  // `"abc\` at the end of an unterminated string
    const char escaped = text[i + 1];
    if (escaped == '"' || escaped == '\\') {
      decoded += escaped;
      ++i;
      continue;
    }
    std::size_t escape_length = 2;  // the backslash and the whole (possibly multi-byte) character
    while (i + escape_length < text.size() && is_utf8_continuation(text[i + escape_length])) ++escape_length;
    diag::Location escape_where = locate_.at(token);
    escape_where.column += static_cast<std::uint32_t>(i);
    escape_where.length = static_cast<std::uint32_t>(escape_length);
    sink_.error(escape_where, "unknown escape sequence '" + text.substr(i, escape_length) +
                           "' (only \\\" and \\\\ are allowed in strings)");
    decoded.append(text, i, escape_length);
    i += escape_length - 1;
  }
  return decoded;
}

std::vector<ast::Ident> TreeBuilder::dotted(P::DottedNameContext* ctx) {
  std::vector<ast::Ident> parts;
  if (ctx == nullptr) return parts;
  for (P::IdentContext* part : ctx->ident()) parts.push_back(ident(part, *ctx));
  return parts;
}

ast::Ident TreeBuilder::ident(P::IdentContext* ctx, antlr4::ParserRuleContext& owner) {
  if (antlr4::Token* token = matched_token(ctx)) return ast::Ident{token->getText(), locate_.at(*token)};
  return ast::Ident{"", where(owner)};
}

diag::Location TreeBuilder::where(antlr4::ParserRuleContext& ctx) const {
  const antlr4::Token* start = ctx.getStart();
  const antlr4::Token* stop = ctx.getStop();
  if (start == nullptr) return diag::Location{&locate_.source(), 0, 0, 1};
  // An empty rule (possible after error recovery) stops before it starts.
  if (stop == nullptr || is_conjured(*stop) || stop->getTokenIndex() < start->getTokenIndex()) {
    return locate_.at(*start);
  }
  return locate_.span(*start, *stop);
}

}  // namespace ormc::parse
