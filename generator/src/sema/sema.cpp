// Semantic analysis entry point: runs the passes of passes.hpp over one file, in order.
#include "sema/sema.hpp"

#include "sema/passes.hpp"

namespace ormc::sema {

std::shared_ptr<const model::Schema> analyze(const ast::File& file,
                                             std::span<const std::shared_ptr<const model::Schema>> imports,
                                             diag::Sink& sink) {
  auto schema = std::make_shared<model::Schema>();
  const std::size_t errors = sink.error_count();
  detail::Context ctx(file, imports, sink, *schema);
  detail::declare(ctx);
  detail::build_columns(ctx);
  detail::apply_entity_options(ctx);
  detail::check_table_names(ctx);
  detail::resolve_foreign_keys(ctx);
  detail::finish_keys(ctx);
  detail::resolve_relationships(ctx);
  detail::pair_relationships(ctx);
  detail::check_relationships(ctx);
  if (sink.error_count() != errors) return nullptr;
  // Every unresolved relationship has reported why, unless a member the parser already
  // complained about silenced it: never hand out a half-built model.
  for (const detail::PendingRelationship& p : ctx.relationships) {
    if (!p.resolved) {
      sink.error(ctx.relationship(p).where, "can't resolve relationship " + detail::member_name(ctx.relationship(p)));
      return nullptr;
    }
  }
  return schema;
}

}  // namespace ormc::sema
