// ormc::Session: the public face of SessionCore.
#include "ormc/session.hpp"

#include "session/session_core.hpp"
#include "sql/execute.hpp"

namespace ormc {

Session::Session(Database db, SessionOptions options)
    : core_(std::make_unique<detail::SessionCore>(std::move(db), options)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

void Session::add(const std::shared_ptr<Object>& object) { core_->add(object); }
std::shared_ptr<Object> Session::get_object(const EntityInfo& entity, std::span<const Value> key) {
  return core_->get(entity, key);
}
void Session::remove(const std::shared_ptr<Object>& object) { core_->remove(object); }
void Session::flush() { core_->flush(); }
void Session::commit() { core_->commit(); }
void Session::rollback() { core_->rollback(); }
void Session::close() { core_->close(); }
void Session::refresh(const std::shared_ptr<Object>& object) { core_->refresh(object); }
void Session::expire(const std::shared_ptr<Object>& object) { core_->expire(object); }
void Session::expunge(const std::shared_ptr<Object>& object) { core_->expunge(object); }
NestedTransaction Session::begin_nested() {
  const std::uint64_t id = core_->begin_nested();
  return NestedTransaction(core_.get(), core_->alive_token(), id);
}
std::shared_ptr<Object> Session::merge_object(const std::shared_ptr<Object>& object) { return core_->merge(object); }
std::size_t Session::identity_map_size() const noexcept { return core_->identity_map_size(); }
bool Session::is_modified(const std::shared_ptr<Object>& object) const { return core_->is_modified(*object); }
const Database& Session::database() const noexcept { return core_->database(); }

std::unique_ptr<detail::ResultCursor> Session::open_cursor(const detail::SelectData& stmt, Type value_type) {
  return std::make_unique<detail::ResultCursor>(*core_, stmt, value_type);
}
std::uint64_t Session::execute_data(const detail::InsertData& stmt) { return detail::execute_insert(*core_, stmt); }
std::uint64_t Session::execute_rows(const detail::InsertData& stmt, const detail::InsertRows& rows,
                                    detail::ReturnedRows* returned) {
  return detail::execute_insert_rows(*core_, stmt, rows, returned);
}
void Session::execute_returning(const detail::InsertData& stmt, detail::ReturnedRows& returned) {
  detail::execute_insert_returning(*core_, stmt, returned);
}
std::uint64_t Session::execute_data(const detail::UpdateData& stmt) { return detail::execute_update(*core_, stmt); }
std::uint64_t Session::execute_data(const detail::DeleteData& stmt) { return detail::execute_delete(*core_, stmt); }

}  // namespace ormc
