// Organization / members: SQLAlchemy's large-collection example with a dynamic relationship, printing each step and its SQL.
//
// Three flushes — save an organization and 3 members; load a filtered subset; append 3 more
// members without loading any; delete the organization with one statement (the database's
// ON DELETE CASCADE deletes the members) — then count its members: 0.
//
//   organization_members                                   # an SQLite file, organization_members.db, in the current folder
//   organization_members postgresql://user@host:5432/db    # PostgreSQL
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "orgs.orm.hpp"

namespace {

using orgs::Member;
using orgs::Organization;

/// The statements of the current step, so that each step ends with what it sent (and tests can check it).
std::vector<std::string> step_sql;

void step(int number, const std::string& title) {
  step_sql.clear();
  std::cout << "\n== " << number << ". " << title << "\n";
}

/// "-- 2 statements: 1 INSERT INTO members, 1 INSERT INTO organizations" (counted by verb and table).
void end_step() {
  std::map<std::string, int> kinds;
  for (const std::string& sql : step_sql) {
    std::string head;  // "INSERT INTO members", "DELETE FROM organizations", "SELECT"
    std::size_t pos = 0;
    for (int words = 0; words < 3 && pos != std::string::npos; ++words) {
      const std::size_t next = sql.find(' ', pos);
      head += (words ? " " : "") + sql.substr(pos, next == std::string::npos ? next : next - pos);
      pos = next == std::string::npos ? next : next + 1;
    }
    if (head.rfind("UPDATE", 0) == 0 || head.rfind("SELECT", 0) == 0) head = head.substr(0, head.find(' '));
    ++kinds[head];
  }
  std::cout << "   -- " << step_sql.size() << (step_sql.size() == 1 ? " statement" : " statements");
  const char* sep = ": ";
  for (const auto& [kind, count] : kinds) {
    std::cout << sep << count << " " << kind;
    sep = ", ";
  }
  std::cout << "\n";
}

std::string describe(const Member& m) {
  return "Member(member_id=" + std::to_string(m.member_id()) + ", name='" + m.name() +
         "', org_id=" + (m.org_id() ? std::to_string(*m.org_id()) : std::string("NULL")) + ")";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string url = argc > 1 ? argv[1] : "sqlite:///organization_members.db";
  try {
    auto db = ormc::connect(url);
    db.on_statement([](const ormc::StatementEvent& e) {
      step_sql.emplace_back(e.sql);
      std::cout << "    SQL: " << e.sql << "\n";
      if (!e.params.empty()) {
        std::cout << "         [";
        for (std::size_t i = 0; i < e.params.size(); ++i) std::cout << (i ? ", " : "") << e.params[i].debug_string();
        std::cout << "]\n";
      }
    });
    std::cout << "connected to " << db.url() << "\n";
    orgs::metadata().drop_all(db);
    orgs::metadata().create_all(db);
    std::cout << "created the tables organizations, members (members.org_id REFERENCES organizations ON DELETE CASCADE)\n";

    // Each step uses a new Session, as the original program's expunge_all() between steps: nothing
    // is in memory that the step does not load itself.
    std::int32_t org_id = 0;
    {
      step(1, "flush one: save the org and 3 members");
      ormc::Session session(db);
      auto org = Organization::create({.name = "org one"});
      // The parent is transient: append() just queues the members; the flush INSERTs them.
      org->members().append(Member::create({.name = "member one"}));
      org->members().append(Member::create({.name = "member two"}));
      org->members().append(Member::create({.name = "member three"}));
      session.add(org);
      session.flush();
      org_id = org->org_id();  // read before commit() expires the object, which would reload it
      session.commit();
      end_step();
      std::cout << "   org one has org_id " << org_id << "; its 3 members went in one INSERT\n";
    }
    {
      step(2, "load the org and a filtered subset of its members");
      ormc::Session session(db);
      auto org = session.get<Organization>(org_id);
      auto members = org->members().filter(Member::c.name.like("%member t%")).limit(10).all();
      for (const auto& m : members) std::cout << "   " << describe(*m) << "\n";
      end_step();
      std::cout << "   loaded " << members.size() << " of the members: the SELECT carries the parent criterion\n";
    }
    {
      step(3, "count and page the members without loading them");
      ormc::Session session(db);
      auto org = session.get<Organization>(org_id);
      const std::size_t n = org->members().count();
      std::cout << "   count() = " << n << "\n";
      auto page = org->members().order_by(Member::c.member_id).slice(1, 3).all();
      for (const auto& m : page) std::cout << "   slice(1, 3): " << describe(*m) << "\n";
      end_step();
    }
    {
      step(4, "flush two: append 3 more members without loading any");
      ormc::Session session(db);
      auto org = session.get<Organization>(org_id);
      org->members().extend({Member::create({.name = "member four"}), Member::create({.name = "member five"}),
                             Member::create({.name = "member six"})});
      const std::size_t before_flush = step_sql.size();
      session.commit();
      std::cout << "   the flush sent " << step_sql.size() - before_flush
                << " statement(s): the 3 new members in one INSERT, no SELECT of the members\n";
      end_step();
    }
    {
      step(5, "flush three: delete the org; its members go in the same statement");
      ormc::Session session(db);
      auto org = session.get<Organization>(org_id);
      session.remove(org);
      const std::size_t before_flush = step_sql.size();
      session.flush();
      std::cout << "   the flush sent " << step_sql.size() - before_flush
                << " statement(s): passive_deletes, so the members were neither loaded nor deleted one by one\n";
      end_step();

      step(6, "count the deleted org's members");
      // The org is deleted but still has its key: the count asks the database what ON DELETE left.
      const std::size_t left = org->members().count();
      std::cout << "   members left: " << left << "\n";
      session.commit();
      end_step();
    }
    return 0;
  } catch (const ormc::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    if (!e.sql().empty()) std::cerr << "  while running: " << e.sql() << "\n";
    return 1;
  }
}
