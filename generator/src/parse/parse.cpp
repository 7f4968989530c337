// Runs ANTLR over one .orm file: input checks first, every error into the Sink, no exception out.
#include "parse/parse.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "OrmcLexer.h"
#include "OrmcParser.h"
#include "antlr4-runtime.h"
#include "parse/tree_builder.hpp"

namespace ormc::parse {

namespace {

using ormc_grammar_internal::OrmcLexer;
using ormc_grammar_internal::OrmcParser;

// ANTLR parses ( and [ by recursion; deeper input is refused instead of risking the stack
// (no schema needs more than a handful of levels).
constexpr std::size_t kMaxNestingDepth = 200;
// Past this many lines with syntax errors the rest is noise (a binary file would give
// thousands), so parsing stops.
constexpr std::size_t kMaxErrorLines = 50;
// ANTLR holds the whole file as UTF-32 and every token and tree node in memory: about 120
// bytes per input byte (20 MiB of entities parse in ~2.4 GB). Beyond this, refuse with a
// diagnostic rather than risk being killed for memory; no real schema comes close.
constexpr std::size_t kMaxFileBytes = std::size_t{32} << 20;

/// Thrown by SyntaxErrors to abandon a parse that has produced too many errors.
struct TooManyErrors {};

// ---------------------------------------------------------------- input checks

struct EncodingError {
  std::size_t offset = 0;
  std::string message;
};

std::string hex_byte(unsigned char byte) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  return {digits[byte >> 4], digits[byte & 0xF]};
}

/// The length of the well-formed UTF-8 sequence at `i`, or 0. Overlong forms, surrogates and
/// values past U+10FFFF are refused too: the ANTLR runtime would throw on some and mis-decode
/// others, which would shift every position after them.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) -> unsigned { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0; };
  const auto continuation = [&](std::size_t k, unsigned low = 0x80, unsigned high = 0xBF) {
    return byte(k) >= low && byte(k) <= high;
  };
  const unsigned lead = byte(i);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(i + 1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned low = lead == 0xE0 ? 0xA0 : 0x80;   // overlong
    const unsigned high = lead == 0xED ? 0x9F : 0xBF;  // surrogates
    return continuation(i + 1, low, high) && continuation(i + 2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned low = lead == 0xF0 ? 0x90 : 0x80;   // overlong
    const unsigned high = lead == 0xF4 ? 0x8F : 0xBF;  // past U+10FFFF
    return continuation(i + 1, low, high) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}

std::optional<EncodingError> find_encoding_error(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\0') return EncodingError{i, "unexpected NUL byte (is this a binary file?)"};
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      return EncodingError{i, "invalid UTF-8 byte 0x" + hex_byte(static_cast<unsigned char>(text[i])) +
                                  " (.orm files must be UTF-8)"};
    }
    i += length;
  }
  return std::nullopt;
}

std::size_t count_code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// ---------------------------------------------------------------- collecting errors

/// Collects syntax errors: at most one per line (later ones on a line are nearly always
/// fallout of the first), printed in source order, and the parse stops after kMaxErrorLines.
/// Also the ANTLR error listener, so nothing ANTLR reports reaches the console.
class SyntaxErrors : public antlr4::BaseErrorListener {
 public:
  explicit SyntaxErrors(const TokenLocator& locate) : locate_(locate) {}

  void report(diag::Location where, std::string message) {
    if (lines_.count(where.line) != 0) return;
    if (lines_.size() == kMaxErrorLines) {
      stopped_ = true;
      throw TooManyErrors{};
    }
    lines_.insert(where.line);
    errors_.push_back(Pending{where, std::move(message)});
  }

  // Only reached for errors our ErrorStrategy does not word itself.
  void syntaxError(antlr4::Recognizer* /*recognizer*/, antlr4::Token* offending, std::size_t line,
                   std::size_t column, const std::string& message, std::exception_ptr /*e*/) override {
    // ANTLR appends its whole expected-token set; past the first clause that is noise.
    std::string shortened = message.substr(0, message.find(" expecting "));
    report(offending != nullptr ? locate_.at(*offending) : locate_.at_position(line, column), std::move(shortened));
  }

  /// Hands the collected errors, merged with `later` (the tree builder's), to `sink` in
  /// source order.
  void flush(diag::Sink& sink, const std::vector<diag::Diagnostic>& later) {
    std::vector<diag::Diagnostic> all;
    all.reserve(errors_.size() + later.size());
    for (Pending& error : errors_) all.push_back(diag::Diagnostic{diag::Severity::Error, error.where, std::move(error.message), {}});
    if (stopped_ && !all.empty()) {
      diag::Sink::note(all.back(), diag::Location{}, "too many errors; the rest of the file was not parsed");
    }
    all.insert(all.end(), later.begin(), later.end());
    std::stable_sort(all.begin(), all.end(), [](const diag::Diagnostic& a, const diag::Diagnostic& b) {
      return a.where.line != b.where.line ? a.where.line < b.where.line : a.where.column < b.where.column;
    });
    for (diag::Diagnostic& d : all) {
      diag::Diagnostic& added = d.severity == diag::Severity::Warning ? sink.warning(d.where, std::move(d.message))
                                                                      : sink.error(d.where, std::move(d.message));
      added.notes = std::move(d.notes);
    }
    errors_.clear();
  }

 private:
  struct Pending {
    diag::Location where;
    std::string message;
  };
  const TokenLocator& locate_;
  std::vector<Pending> errors_;
  std::unordered_set<std::uint32_t> lines_;
  bool stopped_ = false;
};

// ---------------------------------------------------------------- wording the errors

/// `'text'` (shortened) or "end of file", for messages.
std::string quoted(const antlr4::Token& token) {
  if (token.getType() == antlr4::Token::EOF) return "end of file";
  constexpr std::size_t kMaxShown = 24;
  std::string text = token.getText();
  if (text.size() > kMaxShown) {
    std::size_t cut = kMaxShown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    text = text.substr(0, cut) + "...";
  }
  return "'" + text + "'";
}

bool is_name_token(std::size_t type) {
  return type == OrmcParser::IDENTIFIER || (type >= OrmcParser::SCHEMA && type <= OrmcParser::FALSE);
}

std::string describe_token_type(std::size_t type, const antlr4::dfa::Vocabulary& vocabulary) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case OrmcParser::IDENTIFIER: return "a name";
    case OrmcParser::INTEGER: return "an integer";
    case OrmcParser::STRING: return "a string";
    default: break;
  }
  const std::string literal = vocabulary.getLiteralName(type);  // already quoted: "';'"
  return literal.empty() ? vocabulary.getDisplayName(type) : literal;
}

/// What the parser expects in words, where that reads better than its token list ("a value"
/// rather than "'[', a name, a string, ..."); "" where the list itself is best.
std::string expected_in_words(const antlr4::ParserRuleContext& ctx, const antlr4::misc::IntervalSet& expected) {
  const auto has = [&](std::size_t type) { return expected.contains(type); };
  const auto* parent = dynamic_cast<const antlr4::ParserRuleContext*>(ctx.parent);
  switch (ctx.getRuleIndex()) {
    case OrmcParser::RuleFile:
    case OrmcParser::RuleTopLevelDecl: return "'entity', 'table' or 'import'";
    case OrmcParser::RuleEntityItem: return "a member, an option or '}'";
    case OrmcParser::RuleEntityDecl: return has(OrmcParser::RBRACE) ? "a member, an option or '}'" : "";
    case OrmcParser::RuleMember: return has(OrmcParser::SEMICOLON) && expected.size() > 1 ? "a modifier or ';'" : "";
    case OrmcParser::RuleArg:
    case OrmcParser::RuleExpr: return "a value";
    case OrmcParser::RuleIdent:
      return parent != nullptr && parent->getRuleIndex() == OrmcParser::RuleTypeRef ? "a type" : "";
    default: return "";
  }
}

/// "a value", "',' or ')'", "':'": what the parser wanted instead of the offending token.
std::string describe_expected(const antlr4::misc::IntervalSet& expected, const antlr4::ParserRuleContext& ctx,
                              const antlr4::dfa::Vocabulary& vocabulary) {
  if (std::string words = expected_in_words(ctx, expected); !words.empty()) return words;
  const bool any_name = expected.contains(static_cast<std::size_t>(OrmcParser::IDENTIFIER));
  std::vector<std::string> items;
  for (const ssize_t type : expected.toList()) {
    const auto token_type = static_cast<std::size_t>(type);
    if (any_name && is_name_token(token_type) && token_type != OrmcParser::IDENTIFIER) continue;  // keywords are names
    items.push_back(describe_token_type(token_type, vocabulary));
  }
  if (items.empty() || items.size() > 3) {  // a long list helps no one
    return ctx.getRuleIndex() == OrmcParser::RuleArguments ? "a value or ')'" : "";
  }
  std::string text = items.front();
  for (std::size_t i = 1; i < items.size(); ++i) text += (i + 1 == items.size() ? " or " : ", ") + items[i];
  return text;
}

/// What the statement being parsed is called, for "expected ';' after ...".
std::string statement_name(std::size_t rule) {
  switch (rule) {
    case OrmcParser::RuleSchemaDecl: return "schema declaration";
    case OrmcParser::RuleImportDecl: return "import declaration";
    case OrmcParser::RuleMember:
    case OrmcParser::RuleTypeRef:
    case OrmcParser::RuleModifier: return "member declaration";
    case OrmcParser::RuleEntityOption: return "entity option";
    default: return "declaration";
  }
}

/// ANTLR's recovery, with messages worded for people and sent to SyntaxErrors.
class ErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  /// `unterminated_strings`: token indexes of strings that ran to the end of their line.
  ErrorStrategy(SyntaxErrors& errors, const TokenLocator& locate, std::unordered_set<std::size_t> unterminated_strings)
      : errors_(errors), locate_(locate), unterminated_strings_(std::move(unterminated_strings)) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser, const antlr4::NoViableAltException& e) override {
    explain(*parser, *e.getOffendingToken(), e.getExpectedTokens(), false);
  }

  void reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) override {
    explain(*parser, *e.getOffendingToken(), e.getExpectedTokens(), false);
  }

  void reportFailedPredicate(antlr4::Parser* parser, const antlr4::FailedPredicateException& e) override {
    explain(*parser, *e.getOffendingToken(), e.getExpectedTokens(), false);  // the grammar has none
  }

  // Single-token deletion: the current token is extra and recovery drops it.
  void reportUnwantedToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    explain(*parser, *parser->getCurrentToken(), parser->getExpectedTokens(), false);
  }

  // Dropping a '}' so that the rest fits rarely guesses right: in `x: Y }` it would read the
  // next declaration's keyword as a modifier of `x`. Resynchronising at the '}' keeps the
  // entity's structure, so later errors stay real.
  antlr4::Token* singleTokenDeletion(antlr4::Parser* parser) override {
    if (parser->getCurrentToken()->getType() == OrmcParser::RBRACE) return nullptr;
    return DefaultErrorStrategy::singleTokenDeletion(parser);
  }

  // Single-token insertion: one token is missing before the current one.
  void reportMissingToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    explain(*parser, *parser->getCurrentToken(), parser->getExpectedTokens(), true);
  }

 private:
  /// The nearest token before `token` that the parser saw (comments and bad characters are
  /// not on its channel), or null.
  static antlr4::Token* previous(antlr4::Parser& parser, const antlr4::Token& token) {
    antlr4::TokenStream* tokens = parser.getTokenStream();
    for (std::size_t i = token.getTokenIndex(); i != INVALID_INDEX && i-- > 0;) {
      antlr4::Token* candidate = tokens->get(i);
      if (candidate->getChannel() == antlr4::Token::DEFAULT_CHANNEL) return candidate;
    }
    return nullptr;
  }

  /// "entity 'Name'" for the entity being parsed, for messages about its closing brace.
  static std::string enclosing_entity(antlr4::Parser& parser) {
    for (antlr4::tree::ParseTree* node = parser.getContext(); node != nullptr; node = node->parent) {
      auto* entity = dynamic_cast<OrmcParser::EntityDeclContext*>(node);
      if (entity == nullptr) continue;
      const bool is_table = entity->kind != nullptr && entity->kind->getType() == OrmcParser::TABLE;
      const std::string name = entity->ident() != nullptr ? entity->ident()->getText() : "";
      return std::string(is_table ? "table" : "entity") + (name.empty() ? "" : " '" + name + "'");
    }
    return "entity";
  }

  void explain(antlr4::Parser& parser, antlr4::Token& offending, const antlr4::misc::IntervalSet& expected,
               bool token_missing) {
    const std::size_t rule = parser.getContext()->getRuleIndex();
    antlr4::Token* before = previous(parser, offending);
    const bool at_end = offending.getType() == antlr4::Token::EOF;
    const bool on_later_line = before != nullptr && offending.getLine() > before->getLine();
    // An unterminated string swallowed the rest of its line (the `)` or `;` the parser now
    // misses); that is already reported, and this error is only its echo.
    if (before != nullptr && unterminated_strings_.count(before->getTokenIndex()) != 0) return;

    // A missing ';' at the end of a line is the most common slip: point just past the line's
    // last token, as clang does, rather than at the next line's first.
    if (before != nullptr && expected.contains(static_cast<std::size_t>(OrmcParser::SEMICOLON)) &&
        (token_missing || on_later_line || at_end || offending.getType() == OrmcParser::RBRACE)) {
      errors_.report(locate_.after(*before), "expected ';' after " + statement_name(rule));
      return;
    }
    // `a: Integer primary_key <newline> b: String;` reads `b` as a modifier of `a`, so the
    // error only shows at the ':'; the real mistake is the ';' missing before `b`.
    if (offending.getType() == OrmcParser::COLON && before != nullptr && is_name_token(before->getType())) {
      antlr4::Token* end_of_member = previous(parser, *before);
      if (end_of_member != nullptr && end_of_member->getLine() < before->getLine()) {
        errors_.report(locate_.after(*end_of_member), "expected ';' after member declaration");
        return;
      }
    }
    if (at_end && expected.contains(static_cast<std::size_t>(OrmcParser::RBRACE)) && before != nullptr) {
      errors_.report(locate_.after(*before), "expected '}' at end of " + enclosing_entity(parser));
      return;
    }
    const std::string wanted = describe_expected(expected, *parser.getContext(), parser.getVocabulary());
    if (token_missing && before != nullptr) {
      errors_.report(locate_.after(*before), "expected " + wanted);
      return;
    }
    // NoViableAlt in an entity item: a name followed by something that fits neither form.
    if (rule == OrmcParser::RuleEntityItem || rule == OrmcParser::RuleEntityOption) {
      errors_.report(locate_.at(offending), "unexpected " + quoted(offending) +
                                                "; a member is 'name: Type;', an option 'name value;', "
                                                "'name = value;' or 'name(args);'");
      return;
    }
    errors_.report(locate_.at(offending),
                   "unexpected " + quoted(offending) + (wanted.empty() ? "" : "; expected " + wanted));
  }

  SyntaxErrors& errors_;
  const TokenLocator& locate_;
  std::unordered_set<std::size_t> unterminated_strings_;
};

// ---------------------------------------------------------------- lexical checks

/// `'@'`, or for invisible and easily confused characters `U+0001` / `'→' (U+2192)`.
std::string describe_character(const std::string& text) {
  const auto lead = static_cast<unsigned char>(text.empty() ? 0 : text[0]);
  if (lead >= 0x20 && lead < 0x7F) return "'" + text + "'";
  std::uint32_t code_point = lead;
  if (lead >= 0x80) {  // the text is valid UTF-8 by now
    const std::size_t extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
    code_point = lead & (0x3Fu >> extra);
    for (std::size_t i = 1; i <= extra && i < text.size(); ++i) {
      code_point = (code_point << 6) | (static_cast<unsigned char>(text[i]) & 0x3Fu);
    }
  }
  constexpr std::string_view digits = "0123456789ABCDEF";
  std::string hex;
  for (; code_point != 0 || hex.size() < 4; code_point >>= 4) hex.insert(hex.begin(), digits[code_point & 0xF]);
  return lead >= 0x80 ? "'" + text + "' (U+" + hex + ")" : "U+" + hex;
}

/// Reports the tokens the lexer made only for diagnosis and takes them out of the parser's
/// way, then checks nesting. False when the file must not be given to the parser.
bool check_tokens(antlr4::CommonTokenStream& tokens, const TokenLocator& locate, SyntaxErrors& errors,
                  std::unordered_set<std::size_t>& unterminated_strings) {
  std::size_t depth = 0;
  for (antlr4::Token* token : tokens.getTokens()) {
    switch (token->getType()) {
      case OrmcLexer::UNTERMINATED_STRING: {
        diag::Location quote = locate.at(*token);
        quote.length = 1;
        errors.report(quote, "unterminated string (missing closing '\"')");
        // Parse on as if it were closed at the end of the line.
        dynamic_cast<antlr4::WritableToken&>(*token).setType(OrmcLexer::STRING);
        unterminated_strings.insert(token->getTokenIndex());
        break;
      }
      case OrmcLexer::UNTERMINATED_COMMENT: {
        diag::Location opening = locate.at(*token);
        opening.length = 2;
        errors.report(opening, "unterminated comment (missing '*/')");
        dynamic_cast<antlr4::WritableToken&>(*token).setChannel(antlr4::Token::HIDDEN_CHANNEL);
        break;
      }
      case OrmcLexer::UNEXPECTED_CHARACTER:
        errors.report(locate.at(*token), "unexpected character " + describe_character(token->getText()));
        dynamic_cast<antlr4::WritableToken&>(*token).setChannel(antlr4::Token::HIDDEN_CHANNEL);
        break;
      case OrmcLexer::LPAREN:
      case OrmcLexer::LBRACKET:
        if (++depth > kMaxNestingDepth) {
          errors.report(locate.at(*token), "nesting is too deep (more than " + std::to_string(kMaxNestingDepth) +
                                               " levels of '(' and '[')");
          return false;
        }
        break;
      case OrmcLexer::RPAREN:
      case OrmcLexer::RBRACKET:
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return true;
}

// ---------------------------------------------------------------- the parse

/// The two-stage parse the ANTLR authors recommend: SLL prediction is faster and exact for
/// valid input of a grammar this simple; only when it fails does the file get parsed again
/// with full LL prediction and error recovery, which reports the errors.
OrmcParser::FileContext* parse_tree(OrmcParser& parser, SyntaxErrors& errors, const TokenLocator& locate,
                                    std::unordered_set<std::size_t> unterminated_strings) {
  auto* prediction = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
  prediction->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  parser.removeErrorListeners();
  try {
    return parser.file();
  } catch (const antlr4::ParseCancellationException&) {
    parser.reset();  // also rewinds the token stream and frees the first tree
  }
  prediction->setPredictionMode(antlr4::atn::PredictionMode::LL);
  parser.setErrorHandler(std::make_shared<ErrorStrategy>(errors, locate, std::move(unterminated_strings)));
  parser.addErrorListener(&errors);
  return parser.file();
}

ast::File parse_valid_utf8(const diag::SourceFile& source, diag::Sink& sink) {
  antlr4::ANTLRInputStream input(source.text());
  // Measured, not assumed: the 4.9 runtime drops a leading BOM, other versions may not.
  const TokenLocator locate(source, count_code_points(source.text()) - input.size());
  SyntaxErrors errors(locate);

  OrmcLexer lexer(&input);
  lexer.removeErrorListeners();
  lexer.addErrorListener(&errors);
  antlr4::CommonTokenStream tokens(&lexer);
  OrmcParser parser(&tokens);

  ast::File file;
  file.source = &source;
  diag::Sink tree_errors;  // merged with the syntax errors so that all print in source order
  std::string failure;
  try {
    tokens.fill();
    std::unordered_set<std::size_t> unterminated_strings;
    if (check_tokens(tokens, locate, errors, unterminated_strings)) {
      OrmcParser::FileContext* tree = parse_tree(parser, errors, locate, std::move(unterminated_strings));
      file = TreeBuilder(locate, tree_errors).build(*tree);
    }
  } catch (const TooManyErrors&) {
    // Already noted by SyntaxErrors; what was collected is still reported below.
  } catch (const std::bad_alloc&) {
    failure = "out of memory while parsing";
  } catch (const std::exception& e) {  // ANTLR's own exceptions derive from std::exception
    failure = std::string("internal error in the parser: ") + e.what();
  }
  errors.flush(sink, tree_errors.all());
  if (!failure.empty()) sink.error(diag::Location{&source, 0, 0, 1}, failure);
  return file;
}

}  // namespace

ast::File parse_file(const diag::SourceFile& source, diag::Sink& sink) {
  ast::File empty;
  empty.source = &source;
  if (source.text().size() > kMaxFileBytes) {
    sink.error(diag::Location{&source, 0, 0, 1}, "file is too large to parse (" + std::to_string(source.text().size()) +
                                                     " bytes; the limit is " + std::to_string(kMaxFileBytes >> 20) + " MiB)");
    return empty;
  }
  if (const std::optional<EncodingError> bad = find_encoding_error(source.text())) {
    // Stop here: ANTLR would throw on the bytes or misplace every later position.
    sink.error(TokenLocator(source, 0).at_byte(bad->offset, 1), bad->message);
    return empty;
  }
  try {
    return parse_valid_utf8(source, sink);
  } catch (const std::bad_alloc&) {
    sink.error(diag::Location{&source, 0, 0, 1}, "out of memory while parsing");
  } catch (const std::exception& e) {
    sink.error(diag::Location{&source, 0, 0, 1}, std::string("internal error in the parser: ") + e.what());
  }
  return empty;
}

}  // namespace ormc::parse
