"""ormc_bench's workloads in SQLAlchemy 1.4 (Debian's python3-sqlalchemy, psycopg2), shaped as ../shared/anchors/sqla_bench.py.

Usage: /usr/bin/python3 sqla_bench.py DSN N [REPS [WORKLOAD]]  (WORKLOAD: run only that one)
Prints `SQLA <backend> <workload> s=<median>` per workload (plus `rss_mb=<peak>` for stream_2n, measured in a
child process so that the peak is the stream's own), in ormc_bench's workload names and order.
"""
import resource, statistics, subprocess, sys, time
from sqlalchemy import create_engine, event, insert, Column, Integer, String, ForeignKey
from sqlalchemy.orm import declarative_base, relationship, sessionmaker

FILTER_QUERIES = 20   # as ormc_bench's kFilterQueries: one query alone is within the clock's noise
STREAM_BATCH = 1000

Base = declarative_base()

class Organization(Base):
    __tablename__ = "organizations"
    org_id = Column(Integer, primary_key=True)
    name = Column("org_name", String(50), nullable=False)
    # SQLAlchemy 1.4 has no write_only loader: "dynamic" is its large-collection relationship.
    members = relationship("Member", lazy="dynamic", cascade="all, delete-orphan", passive_deletes=True)

class Member(Base):
    __tablename__ = "members"
    member_id = Column(Integer, primary_key=True)
    name = Column("member_name", String(50), nullable=False)
    org_id = Column(Integer, ForeignKey("organizations.org_id", ondelete="CASCADE"))

def make_engine(dsn):
    if dsn.startswith("postgresql"):
        return create_engine(dsn, executemany_mode="values_plus_batch")
    engine = create_engine(dsn)
    @event.listens_for(engine, "connect")
    def _fk(dbapi_conn, _):
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
    return engine

def stream_child(dsn, org_id, expected):
    """Streams every member of org_id in this (fresh) process; prints seconds and peak RSS in MB."""
    engine = make_engine(dsn)
    S = sessionmaker(engine, expire_on_commit=False)
    sess = S()
    t0 = time.perf_counter()
    org = sess.get(Organization, org_id)
    c = 0
    for m in org.members.yield_per(STREAM_BATCH):
        c += m.member_id > 0
    sess.commit()
    seconds = time.perf_counter() - t0
    assert c == expected, (c, expected)
    print(f"{seconds:.6f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")

def main(dsn, n, reps, only=None):
    backend = "postgresql" if dsn.startswith("postgresql") else "sqlite"
    engine = make_engine(dsn)
    S = sessionmaker(engine, expire_on_commit=False)
    state = {}

    def fresh():
        Base.metadata.drop_all(engine); Base.metadata.create_all(engine)
        with S() as s:
            org = Organization(name="org one"); s.add(org); s.commit()
            state["org_id"] = org.org_id
        state["dataset"] = None

    def seeded(name, rows):
        if state.get("dataset") == name:
            return
        fresh()
        with engine.begin() as c:
            c.execute(insert(Member), [{"member_name": f"member {i}", "org_id": state["org_id"]} for i in range(rows)])
        state["dataset"] = name

    def session_add_n():
        with S() as s:
            for i in range(n):
                s.add(Member(name=f"member {i}", org_id=state["org_id"]))
            s.commit()

    def write_only_add_n():
        with S() as s:
            org = s.get(Organization, state["org_id"])
            for i in range(n):
                org.members.append(Member(name=f"member {i}"))
            s.commit()

    def dynamic_append_n():
        # The same statements as write_only_add_n: in SQLAlchemy 1.4 that one is a dynamic relationship too.
        with S() as s:
            org = s.get(Organization, state["org_id"])
            for i in range(n):
                org.members.append(Member(name=f"member {i}"))
            s.commit()

    def bulk_insert_n():
        with S() as s:
            # Core INSERT parameters are keyed by column name ("member_name"), not by attribute name.
            s.execute(insert(Member), [{"member_name": f"member {i}", "org_id": state["org_id"]} for i in range(n)])
            s.commit()

    def filter_limit10():
        with S() as s:
            org = s.get(Organization, state["org_id"])
            for _ in range(FILTER_QUERIES):
                r = org.members.filter(Member.name.like("%member 1%")).limit(10).all()
                assert len(r) == 10

    def stream_2n():
        out = subprocess.run([sys.executable, __file__, "--child", dsn, str(state["org_id"]), str(2 * n)],
                             check=True, capture_output=True, text=True).stdout.split()
        return float(out[0]), float(out[1])

    def delete_parent():
        with S() as s:
            s.delete(s.get(Organization, state["org_id"])); s.commit()

    loaded = {}
    def load_members():
        fresh()
        if "session" in loaded:
            loaded["session"].close()
        s = S()
        members = [Member(name=f"member {i}", org_id=state["org_id"]) for i in range(n)]
        s.add_all(members); s.commit()
        loaded.update(session=s, members=members, first=members[0].member_id)

    def get_identity_map():
        s, first = loaded["session"], loaded["first"]
        for i in range(n * 10):
            assert s.get(Member, first + i % n) is not None

    workloads = [
        ("session_add_n", fresh, session_add_n),
        ("write_only_add_n", fresh, write_only_add_n),
        ("dynamic_append_n", fresh, dynamic_append_n),
        ("bulk_insert_n", fresh, bulk_insert_n),
        ("filter_limit10", lambda: seeded("filter", n), filter_limit10),
        ("stream_2n", lambda: seeded("stream", 2 * n), stream_2n),
        ("delete_parent", lambda: (fresh(), seeded("delete", n), state.update(dataset=None)), delete_parent),
        ("get_identity_map", load_members, get_identity_map),
    ]
    for name, prepare, run in workloads:
        if only is not None and name != only:
            continue
        times, rss = [], None
        for _ in range(reps):
            prepare()
            t0 = time.perf_counter()
            measured = run()
            elapsed = time.perf_counter() - t0
            if measured is not None:   # measured in a child process: its own seconds and peak RSS
                elapsed, child_rss = measured
                rss = child_rss if rss is None else max(rss, child_rss)
            times.append(elapsed)
        line = f"SQLA {backend} {name} s={statistics.median(times):.6f}"
        if rss is not None:
            line += f" rss_mb={rss:.1f}"
        print(line, flush=True)
    if "session" in loaded:
        loaded["session"].close()

if __name__ == "__main__":
    if sys.argv[1] == "--child":
        stream_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 3,
             sys.argv[4] if len(sys.argv) > 4 else None)
