// Connection::execute_pipelined() on both backends: results in order, at most one statement made
// ahead, failures thrown as execute() throws them, and the connection usable afterwards.
//
// Include after connection_cases.hpp, from the same .cpp.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "connection_cases.hpp"

namespace ormc_test {

/// What a test saw of one execute_pipelined(): the order of the make / take calls ("m0", "t0", ...)
/// and the codes the INSERTs returned.
struct PipelineRun {
  std::vector<std::string> calls;
  std::vector<std::string> taken_codes;
};

inline constexpr std::string_view kPipelinedInsert = "INSERT INTO ormc_ct_parent (code) VALUES (?1) RETURNING id, code";
/// A second spelling of the INSERT, so that a pipeline mixes SQL texts (on PostgreSQL, a statement
/// prepared on the connection and an unnamed one).
inline constexpr std::string_view kPipelinedInsertOther =
    "INSERT INTO ormc_ct_parent (code) SELECT ?1 RETURNING id, code";

/// Where `call` is in `calls` (calls.size() when it never happened).
inline std::size_t position(const std::vector<std::string>& calls, const std::string& call) {
  return static_cast<std::size_t>(std::find(calls.begin(), calls.end(), call) - calls.begin());
}

TEST_P(ConnectionCases, PipelinedStatementsGiveEachResultToItsTakeInOrder) {
  auto c = engine().acquire();
  c->begin();
  std::vector<std::string> logged;
  db().on_statement([&](const ormc::StatementEvent& e) { logged.emplace_back(e.sql); });
  PipelineRun run;
  const std::size_t n = 5;
  engine().execute_pipelined(
      *c, n,
      [&](std::size_t k) {
        run.calls.push_back("m" + std::to_string(k));
        return ormc::detail::PipelinedStatement{sql(k == 2 ? kPipelinedInsertOther : kPipelinedInsert),
                                                {Value("p" + std::to_string(k))}};
      },
      [&](std::size_t k, ormc::detail::Rows& rows) {
        run.calls.push_back("t" + std::to_string(k));
        ASSERT_TRUE(rows.next());
        EXPECT_GT(rows.get(0, Type::Integer).as<std::int64_t>(), 0);
        run.taken_codes.push_back(rows.get(1, Type::String).as<std::string>());
        EXPECT_FALSE(rows.next()) << "one row per INSERT";
      });
  db().clear_statement_listeners();
  EXPECT_EQ(run.taken_codes, (std::vector<std::string>{"p0", "p1", "p2", "p3", "p4"}));
  ASSERT_EQ(logged.size(), n) << "every statement logged once";
  EXPECT_EQ(logged[2], sql(kPipelinedInsertOther));
  for (std::size_t k = 0; k < n; ++k) {
    const std::string m = "m" + std::to_string(k);
    const std::string t = "t" + std::to_string(k);
    EXPECT_LT(position(run.calls, m), position(run.calls, t)) << "statement " << k << " is made before it is taken";
    if (k + 2 < n) {
      EXPECT_GT(position(run.calls, "m" + std::to_string(k + 2)), position(run.calls, t))
          << "at most one statement is made ahead of the rows being read";
    }
    if (k + 1 < n) {
      EXPECT_LT(position(run.calls, t), position(run.calls, "t" + std::to_string(k + 1)));
    }
  }
  c->commit();
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_parent"), 5);

  // Nothing to run: nothing is made.
  bool made = false;
  engine().execute_pipelined(
      *c, 0, [&](std::size_t) { made = true; return ormc::detail::PipelinedStatement{}; },
      [](std::size_t, ormc::detail::Rows&) {});
  EXPECT_FALSE(made);
}

TEST_P(ConnectionCases, AFailingPipelinedStatementThrowsWhatExecuteThrowsAndTheConnectionGoesOn) {
  auto c = engine().acquire();
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('dup')");
  c->begin();
  PipelineRun run;
  try {
    engine().execute_pipelined(
        *c, 5,
        [&](std::size_t k) {
          run.calls.push_back("m" + std::to_string(k));
          return ormc::detail::PipelinedStatement{sql(kPipelinedInsert), {Value(k == 1 ? "dup" : "q" + std::to_string(k))}};
        },
        [&](std::size_t k, ormc::detail::Rows&) { run.calls.push_back("t" + std::to_string(k)); });
    FAIL() << "the second INSERT violates the unique code";
  } catch (const ormc::IntegrityError& e) {
    EXPECT_EQ(e.sql(), sql(kPipelinedInsert));
  }
  EXPECT_LT(position(run.calls, "t0"), run.calls.size()) << "the first result was taken";
  EXPECT_EQ(position(run.calls, "t1"), run.calls.size()) << "the failed one is never taken";
  EXPECT_EQ(position(run.calls, "m3"), run.calls.size()) << "nothing is made two ahead of the failure";
  c->rollback();
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_parent"), 1) << "only the row from before the transaction";
  exec(*c, sql(kPipelinedInsert), {Value("after")});  // the same statement runs normally afterwards
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_parent"), 2);
}

TEST_P(ConnectionCases, AnErrorFromMakeOrTakeEndsThePipelineAndTheConnectionGoesOn) {
  auto c = engine().acquire();
  for (const std::size_t failing : {1u, 2u}) {
    for (const bool in_take : {true, false}) {
      c->begin();
      std::size_t taken = 0;
      try {
        engine().execute_pipelined(
            *c, 4,
            [&](std::size_t k) {
              if (!in_take && k == failing) throw std::runtime_error("make failed");
              return ormc::detail::PipelinedStatement{sql(kPipelinedInsert), {Value("r" + std::to_string(k))}};
            },
            [&](std::size_t k, ormc::detail::Rows&) {
              if (in_take && k == failing) throw std::runtime_error("take failed");
              ++taken;
            });
        FAIL() << "the error must come out";
      } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), in_take ? "take failed" : "make failed");
      }
      EXPECT_LE(taken, failing) << "nothing is taken after the error";
      c->rollback();
      EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_parent"), 0) << "failing " << failing << " in_take " << in_take;
    }
  }
}

}  // namespace ormc_test
