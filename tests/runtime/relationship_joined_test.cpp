// Joined eager loading on SQLite and PostgreSQL: lazy = "joined", innerjoin, join_depth, joinedload() / lazyload(),
// LIMIT through a subquery, yield_per and get() — the exact SELECT asserted through the statement log.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using reltest::Album;
using reltest::Category;
using reltest::Child;
using reltest::Gadget;
using reltest::License;
using reltest::Maker;
using reltest::Message;
using reltest::Node;
using reltest::Parent;
using reltest::Part;
using reltest::Person;
using reltest::Pilot;
using reltest::Playlist;
using reltest::Region;
using reltest::Shelf;
using reltest::Song;
using reltest::Track;

class JoinedTest : public ormc_test::RelationshipTest {
 protected:
  /// Placeholder `n` as the backend spells it.
  std::string ph(int n) const {
    return (db_->dialect() == ormc::DialectKind::PostgreSQL ? "$" : "?") + std::to_string(n);
  }
  /// The only statement logged since the last clear().
  std::string only_statement() const {
    EXPECT_EQ(log_->size(), 1u) << dump();
    return log_->size() == 0 ? std::string() : log_->entries().front().sql;
  }

  /// Gadgets "a" (maker acme), "b" (no maker), "c" (maker acme); committed.
  void store_gadgets() {
    ormc::Session s(*db_);
    auto acme = Maker::create({.name = "acme"});
    s.add(acme);
    s.flush();
    s.add(Gadget::create({.name = "a", .maker_id = acme->id()}));
    s.add(Gadget::create({.name = "b"}));
    s.add(Gadget::create({.name = "c", .maker_id = acme->id()}));
    s.commit();
    log_->clear();
  }
  /// Albums "one" (tracks y, x), "two" (track z), "three" (none), "four" (track w); committed.
  void store_albums() {
    ormc::Session s(*db_);
    auto one = Album::create({.title = "one"});
    one->tracks().add(Track::create({.title = "y"}));
    one->tracks().add(Track::create({.title = "x"}));
    auto two = Album::create({.title = "two"});
    two->tracks().add(Track::create({.title = "z"}));
    auto four = Album::create({.title = "four"});
    four->tracks().add(Track::create({.title = "w"}));
    s.add(one);
    s.add(two);
    s.add(Album::create({.title = "three"}));
    s.add(four);
    s.commit();
    log_->clear();
  }
  std::string album_columns(const std::string& from) const {
    return "SELECT " + from + ".id, " + from + ".title, rel_track_1.id AS rel_track_1_id, rel_track_1.title AS "
           "rel_track_1_title, rel_track_1.album_id AS rel_track_1_album_id";
  }
};

// --- 1. many-to-one and one-to-one

TEST_F(JoinedTest, ManyToOneLoadsWithALeftOuterJoinAndCostsNothingAfterwards) {
  store_gadgets();
  ormc::Session session(*db_);
  auto gadgets = session.scalars(ormc::select<Gadget>().order_by(Gadget::c.name)).all();
  EXPECT_EQ(only_statement(),
            "SELECT rel_gadget.id, rel_gadget.name, rel_gadget.maker_id, rel_maker_1.id AS rel_maker_1_id, "
            "rel_maker_1.name AS rel_maker_1_name FROM rel_gadget LEFT OUTER JOIN rel_maker AS rel_maker_1 "
            "ON rel_gadget.maker_id = rel_maker_1.id ORDER BY rel_gadget.name");
  ASSERT_EQ(gadgets.size(), 3u);
  log_->clear();
  ASSERT_NE(gadgets[0]->maker(), nullptr);
  EXPECT_EQ(gadgets[0]->maker()->name(), "acme");
  EXPECT_EQ(gadgets[1]->maker(), nullptr) << "NULL joined row: no target";
  EXPECT_EQ(gadgets[2]->maker(), gadgets[0]->maker()) << "one object per row identity";
  EXPECT_EQ(log_->size(), 0u) << "the references came with the rows" << dump();
}

TEST_F(JoinedTest, JoinedTargetInTheIdentityMapIsReusedAndKeepsUnflushedChanges) {
  store_gadgets();
  ormc::Session session(*db_, {.autoflush = false});
  auto acme = session.scalars(ormc::select<Maker>()).one();
  acme->set_name("renamed");  // not flushed
  log_->clear();
  auto a = session.scalars(ormc::select<Gadget>().where(Gadget::c.name == "a")).one();
  EXPECT_EQ(log_->size(), 1u) << dump();
  EXPECT_EQ(a->maker(), acme) << "the identity map's object, not a second one";
  EXPECT_EQ(acme->name(), "renamed") << "a load never overwrites an unflushed change";
  EXPECT_EQ(session.identity_map_size(), 2u);
}

TEST_F(JoinedTest, InnerjoinRendersAnInnerJoin) {
  ormc::Session s(*db_);
  auto acme = Maker::create({.name = "acme"});
  s.add(acme);
  s.flush();
  s.add(Part::create({.name = "bolt", .maker_id = acme->id()}));
  s.commit();
  log_->clear();
  ormc::Session session(*db_);
  auto bolt = session.scalars(ormc::select<Part>()).one();
  EXPECT_EQ(only_statement(),
            "SELECT rel_part.id, rel_part.name, rel_part.maker_id, rel_maker_1.id AS rel_maker_1_id, "
            "rel_maker_1.name AS rel_maker_1_name FROM rel_part JOIN rel_maker AS rel_maker_1 "
            "ON rel_part.maker_id = rel_maker_1.id");
  log_->clear();
  EXPECT_EQ(bolt->maker()->name(), "acme");
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(JoinedTest, OneToOneInverseSideLoadsWithTheParent) {
  {
    ormc::Session s(*db_);
    auto ann = Pilot::create({.name = "ann"});
    ann->set_license(License::create({.code = "L1"}));
    s.add(ann);
    s.add(Pilot::create({.name = "bob"}));
    s.commit();
    log_->clear();
  }
  ormc::Session session(*db_);
  auto pilots = session.scalars(ormc::select<Pilot>().order_by(Pilot::c.name)).all();
  EXPECT_EQ(only_statement(),
            "SELECT rel_pilot.id, rel_pilot.name, rel_license_1.id AS rel_license_1_id, rel_license_1.code AS "
            "rel_license_1_code, rel_license_1.pilot_id AS rel_license_1_pilot_id FROM rel_pilot LEFT OUTER JOIN "
            "rel_license AS rel_license_1 ON rel_pilot.id = rel_license_1.pilot_id ORDER BY rel_pilot.name");
  ASSERT_EQ(pilots.size(), 2u);
  log_->clear();
  ASSERT_NE(pilots[0]->license(), nullptr);
  EXPECT_EQ(pilots[0]->license()->code(), "L1");
  EXPECT_EQ(pilots[1]->license(), nullptr);
  EXPECT_EQ(log_->size(), 0u) << dump();
}

// --- 2. collections

TEST_F(JoinedTest, OneToManyRowsRepeatParentsComeOnceCollectionsInOrder) {
  store_albums();
  ormc::Session session(*db_);
  auto albums = session.scalars(ormc::select<Album>().order_by(Album::c.title)).all();
  EXPECT_EQ(only_statement(), album_columns("rel_album") +
                                  " FROM rel_album LEFT OUTER JOIN rel_track AS rel_track_1 ON rel_album.id = "
                                  "rel_track_1.album_id ORDER BY rel_album.title, rel_track_1.title");
  ASSERT_EQ(albums.size(), 4u) << "five rows, four parents";
  EXPECT_EQ(albums[0]->title(), "four");
  EXPECT_EQ(albums[1]->title(), "one");
  EXPECT_EQ(albums[2]->title(), "three");
  EXPECT_EQ(albums[3]->title(), "two");
  log_->clear();
  ASSERT_EQ(albums[1]->tracks().size(), 2u);
  EXPECT_EQ(albums[1]->tracks()[0]->title(), "x") << "order_by = Track.title";
  EXPECT_EQ(albums[1]->tracks()[1]->title(), "y");
  EXPECT_TRUE(albums[2]->tracks().empty()) << "no child row: an empty, loaded collection";
  EXPECT_EQ(albums[3]->tracks().size(), 1u);
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(JoinedTest, FirstAndOneReadTheWholeCollection) {
  store_albums();
  ormc::Session session(*db_);
  auto one = session.scalars(ormc::select<Album>().where(Album::c.title == "one")).one();
  EXPECT_EQ(log_->size(), 1u) << dump();
  log_->clear();
  EXPECT_EQ(one->tracks().size(), 2u) << "one() saw both rows of its parent";
  EXPECT_EQ(log_->size(), 0u) << dump();
  ormc::Session other(*db_);
  auto first = other.scalars(ormc::select<Album>().order_by(Album::c.title.desc())).first();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->title(), "two");
  log_->clear();
  EXPECT_EQ(first->tracks().size(), 1u);
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(JoinedTest, LoadedCollectionIsLeftAsItIs) {
  store_albums();
  ormc::Session session(*db_, {.autoflush = false});
  auto one = session.scalars(ormc::select<Album>().where(Album::c.title == "one")).one();
  one->tracks().add(Track::create({.title = "new"}));  // unflushed
  auto again = session.scalars(ormc::select<Album>().where(Album::c.title == "one")).one();
  EXPECT_EQ(again, one);
  EXPECT_EQ(one->tracks().size(), 3u) << "the loaded collection (with its unflushed add) stays";
}

TEST_F(JoinedTest, ManyToManyJoinsThroughTheAssociationTable) {
  {
    ormc::Session s(*db_);
    auto hits = Playlist::create({.name = "hits"});
    auto b = Song::create({.title = "b"});
    hits->songs().add(b);
    hits->songs().add(Song::create({.title = "a"}));
    auto calm = Playlist::create({.name = "calm"});
    calm->songs().add(b);
    s.add(hits);
    s.add(calm);
    s.add(Playlist::create({.name = "empty"}));
    s.commit();
    log_->clear();
  }
  ormc::Session session(*db_);
  auto lists = session.scalars(ormc::select<Playlist>().order_by(Playlist::c.name)).all();
  EXPECT_EQ(only_statement(),
            "SELECT rel_playlist.id, rel_playlist.name, rel_song_1.id AS rel_song_1_id, rel_song_1.title AS "
            "rel_song_1_title FROM rel_playlist LEFT OUTER JOIN (rel_playlist_song AS rel_playlist_song_1 JOIN "
            "rel_song AS rel_song_1 ON rel_playlist_song_1.song_id = rel_song_1.id) ON rel_playlist.id = "
            "rel_playlist_song_1.playlist_id ORDER BY rel_playlist.name, rel_song_1.title");
  ASSERT_EQ(lists.size(), 3u);
  log_->clear();
  ASSERT_EQ(lists[0]->songs().size(), 1u);  // calm
  EXPECT_TRUE(lists[1]->songs().empty());   // empty
  ASSERT_EQ(lists[2]->songs().size(), 2u);  // hits
  EXPECT_EQ(lists[2]->songs()[0]->title(), "a");
  EXPECT_EQ(lists[2]->songs()[1], lists[0]->songs()[0]) << "song b is one object in both playlists";
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(JoinedTest, LimitAndOffsetApplyToParentsThroughASubquery) {
  store_albums();
  ormc::Session session(*db_);
  auto page = session.scalars(ormc::select<Album>().order_by(Album::c.title).limit(2).offset(1)).all();
  EXPECT_EQ(only_statement(), album_columns("anon_1") + " FROM (SELECT rel_album.id, rel_album.title FROM rel_album "
                                                        "ORDER BY rel_album.title LIMIT " + ph(1) + " OFFSET " + ph(2) +
                                  ") AS anon_1 LEFT OUTER JOIN rel_track AS rel_track_1 ON anon_1.id = "
                                  "rel_track_1.album_id ORDER BY anon_1.title, rel_track_1.title");
  ASSERT_EQ(page.size(), 2u) << "two parents, although they have three rows";
  EXPECT_EQ(page[0]->title(), "one");
  EXPECT_EQ(page[1]->title(), "three");
  log_->clear();
  EXPECT_EQ(page[0]->tracks().size(), 2u) << "the limit didn't cut the collection";
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(JoinedTest, LimitOrderedByAnExpressionCarriesItOutOfTheSubquery) {
  store_albums();
  ormc::Session session(*db_);
  auto page = session.scalars(ormc::select<Album>().order_by((Album::c.id * 0 - Album::c.id).asc()).limit(1)).all();
  const std::string sql = only_statement();
  EXPECT_TRUE(contains(sql, " AS anon_extra_1 FROM rel_album ORDER BY ")) << sql;
  EXPECT_TRUE(contains(sql, ") AS anon_1 LEFT OUTER JOIN rel_track AS rel_track_1")) << sql;
  EXPECT_TRUE(contains(sql, "ORDER BY anon_1.anon_extra_1, rel_track_1.title")) << sql;
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0]->title(), "four") << "the highest id first";
  EXPECT_EQ(page[0]->tracks().size(), 1u);
}

TEST_F(JoinedTest, YieldPerIsRefusedForAJoinedCollectionNamingIt) {
  store_albums();
  ormc::Session session(*db_);
  auto result = session.scalars(ormc::select<Album>());
  try {
    result.yield_per(2);
    FAIL() << "yield_per with a joined collection must be refused";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Album.tracks")) << e.what();
  }
  EXPECT_EQ(log_->size(), 0u) << dump();
  // Without the join it streams.
  std::size_t n = 0;
  for (auto& album : session.scalars(ormc::select<Album>().options(ormc::lazyload(&Album::tracks))).yield_per(2)) {
    (void)album;
    ++n;
  }
  EXPECT_EQ(n, 4u);
}

TEST_F(JoinedTest, YieldPerStreamsAJoinedReference) {
  store_gadgets();
  ormc::Session session(*db_);
  std::vector<std::string> makers;
  for (auto& g : session.scalars(ormc::select<Gadget>().order_by(Gadget::c.name)).yield_per(1))
    makers.push_back(g->maker() ? g->maker()->name() : "-");
  EXPECT_EQ(makers, (std::vector<std::string>{"acme", "-", "acme"}));
  std::size_t joins = 0;
  for (const auto& e : log_->entries()) joins += contains(e.sql, "LEFT OUTER JOIN rel_maker AS rel_maker_1");
  EXPECT_EQ(joins, 1u) << "one statement with the join; no reference loaded on its own" << dump();
  EXPECT_EQ(log_->count("SELECT rel_maker."), 0u) << dump();
}

// --- 3. join_depth

TEST_F(JoinedTest, JoinDepthChainsAliasedJoinsThenLoadsLazily) {
  {
    ormc::Session s(*db_);
    auto root = Category::create({.name = "root"});
    auto a = Category::create({.name = "a"});
    auto a1 = Category::create({.name = "a1"});
    a1->children().add(Category::create({.name = "a1x"}));
    a->children().add(a1);
    root->children().add(a);
    root->children().add(Category::create({.name = "b"}));
    s.add(root);
    s.commit();
    log_->clear();
  }
  ormc::Session session(*db_);
  auto root = session.scalars(ormc::select<Category>().where(Category::c.name == "root")).one();
  EXPECT_EQ(only_statement(),
            "SELECT rel_category.id, rel_category.parent_id, rel_category.name, rel_category_1.id AS rel_category_1_id, "
            "rel_category_1.parent_id AS rel_category_1_parent_id, rel_category_1.name AS rel_category_1_name, "
            "rel_category_2.id AS rel_category_2_id, rel_category_2.parent_id AS rel_category_2_parent_id, "
            "rel_category_2.name AS rel_category_2_name FROM rel_category LEFT OUTER JOIN rel_category AS "
            "rel_category_1 ON rel_category.id = rel_category_1.parent_id LEFT OUTER JOIN rel_category AS "
            "rel_category_2 ON rel_category_1.id = rel_category_2.parent_id WHERE rel_category.name = " + ph(1) +
                " ORDER BY rel_category_1.name, rel_category_2.name");
  log_->clear();
  ASSERT_EQ(root->children().size(), 2u);
  auto a = root->children()[0];
  EXPECT_EQ(a->name(), "a");
  EXPECT_TRUE(root->children()[1]->children().empty());
  ASSERT_EQ(a->children().size(), 1u);
  auto a1 = a->children()[0];
  EXPECT_EQ(log_->size(), 0u) << "two levels came with the query" << dump();
  ASSERT_EQ(a1->children().size(), 1u) << "the third level loads on access";
  EXPECT_EQ(a1->children()[0]->name(), "a1x");
  ASSERT_EQ(log_->size(), 1u) << dump();
  EXPECT_TRUE(contains(log_->entries()[0].sql, "WHERE rel_category.parent_id = ")) << log_->entries()[0].sql;
}

TEST_F(JoinedTest, SelectinloadOfAJoinedRelationshipReadsItsTargetsWithoutJoins) {
  {
    ormc::Session s(*db_);
    auto root = Category::create({.name = "root"});
    auto a = Category::create({.name = "a"});
    a->children().add(Category::create({.name = "a1"}));
    root->children().add(a);
    s.add(root);
    s.commit();
    log_->clear();
  }
  ormc::Session session(*db_);
  auto root = session.scalars(ormc::select<Category>()
                                  .where(Category::c.name == "root")
                                  .options(ormc::selectinload(&Category::children)))
                  .one();
  ASSERT_EQ(log_->size(), 2u) << "the parent, then one IN query" << dump();
  EXPECT_FALSE(contains(log_->entries()[0].sql, "JOIN")) << log_->entries()[0].sql;
  EXPECT_TRUE(contains(log_->entries()[1].sql, "WHERE rel_category.parent_id IN (")) << log_->entries()[1].sql;
  EXPECT_FALSE(contains(log_->entries()[1].sql, "JOIN")) << "the IN query reads one object per row" << dump();
  log_->clear();
  ASSERT_EQ(root->children().size(), 1u);
  EXPECT_EQ(log_->size(), 0u) << dump();
  EXPECT_EQ(root->children()[0]->children().size(), 1u) << "the next level loads on access";
  EXPECT_EQ(log_->size(), 1u) << dump();
}

TEST_F(JoinedTest, SelfReferentialWithoutJoinDepthIsNotJoined) {
  {
    ormc::Session s(*db_);
    auto europe = Region::create({.name = "europe"});
    europe->subregions().add(Region::create({.name = "north"}));
    s.add(europe);
    s.commit();
    log_->clear();
  }
  ormc::Session session(*db_);
  auto europe = session.scalars(ormc::select<Region>().where(Region::c.name == "europe")).one();
  EXPECT_EQ(only_statement(), "SELECT rel_region.id, rel_region.parent_id, rel_region.name FROM rel_region WHERE "
                              "rel_region.name = " + ph(1));
  log_->clear();
  EXPECT_EQ(europe->subregions().size(), 1u);
  EXPECT_EQ(log_->size(), 1u) << "loaded lazily" << dump();
}

// --- 4. joinedload() / lazyload() options

TEST_F(JoinedTest, JoinedloadJoinsALazyCollectionForThatQueryOnly) {
  stored_parent({"b", "a"});
  stored_parent({});
  ormc::Session session(*db_);
  auto parents =
      session.scalars(ormc::select<Parent>().order_by(Parent::c.id).options(ormc::joinedload(&Parent::children))).all();
  EXPECT_EQ(only_statement(),
            "SELECT rel_parent.id, rel_parent.name, rel_child_1.id AS rel_child_1_id, rel_child_1.name AS "
            "rel_child_1_name, rel_child_1.parent_id AS rel_child_1_parent_id FROM rel_parent LEFT OUTER JOIN "
            "rel_child AS rel_child_1 ON rel_parent.id = rel_child_1.parent_id ORDER BY rel_parent.id, rel_child_1.name");
  ASSERT_EQ(parents.size(), 2u);
  log_->clear();
  ASSERT_EQ(parents[0]->children().size(), 2u);
  EXPECT_EQ(parents[0]->children()[0]->name(), "a");
  EXPECT_TRUE(parents[1]->children().empty());
  EXPECT_EQ(log_->size(), 0u) << dump();
  ormc::Session other(*db_);
  log_->clear();
  (void)other.scalars(ormc::select<Parent>()).all();
  EXPECT_FALSE(contains(only_statement(), "JOIN")) << "the configured lazy select applies again";
}

TEST_F(JoinedTest, JoinedloadOfAReference) {
  stored_parent({"a"});
  ormc::Session session(*db_);
  auto child = session.scalars(ormc::select<Child>().options(ormc::joinedload(&Child::parent))).one();
  EXPECT_EQ(only_statement(),
            "SELECT rel_child.id, rel_child.name, rel_child.parent_id, rel_parent_1.id AS rel_parent_1_id, "
            "rel_parent_1.name AS rel_parent_1_name FROM rel_child LEFT OUTER JOIN rel_parent AS rel_parent_1 ON "
            "rel_child.parent_id = rel_parent_1.id");
  log_->clear();
  ASSERT_NE(child->parent(), nullptr);
  EXPECT_EQ(child->parent()->name(), "p");
  EXPECT_EQ(log_->size(), 0u) << "held by the reference: no SQL even though nothing else holds the parent" << dump();
}

// The joined reference holds its target strongly; with the target's back_populates collection
// loaded and holding the child, that would be a cycle: either order of loading must not leak.
TEST_F(JoinedTest, JoinedReferenceAndLoadedBackPopulatesCollectionAreFreed) {
  stored_parent({"a"});
  ormc::Session session(*db_);
  std::weak_ptr<Parent> parent;
  std::weak_ptr<Child> child;
  {
    auto c = session.scalars(ormc::select<Child>().options(ormc::joinedload(&Child::parent))).one();
    auto p = c->parent();
    ASSERT_EQ(p->children().size(), 1u);  // the collection loads after the reference
    parent = p;
    child = c;
  }
  EXPECT_TRUE(parent.expired()) << "reference filled first, collection loaded after";
  EXPECT_TRUE(child.expired());
  {
    auto p = session.scalars(ormc::select<Parent>()).one();
    ASSERT_EQ(p->children().size(), 1u);  // the collection first ...
    log_->clear();
    auto c = session.scalars(ormc::select<Child>().options(ormc::joinedload(&Child::parent))).one();
    EXPECT_EQ(c->parent(), p);  // ... then the joined reference
    EXPECT_EQ(log_->size(), 1u) << dump();
    parent = p;
    child = c;
  }
  EXPECT_TRUE(parent.expired()) << "collection loaded first, reference filled after";
  EXPECT_TRUE(child.expired());
}

TEST_F(JoinedTest, JoinedloadPicksTheNamedReferenceAmongSeveralToOneTarget) {
  {
    ormc::Session s(*db_);
    auto ann = Person::create({.name = "ann"});
    auto bob = Person::create({.name = "bob"});
    s.add(ann);
    s.add(bob);
    s.flush();
    s.add(Message::create({.sender_id = ann->id(), .recipient_id = bob->id()}));
    s.commit();
    log_->clear();
  }
  ormc::Session session(*db_);
  auto m = session.scalars(ormc::select<Message>().options(ormc::joinedload(&Message::recipient))).one();
  const std::string sql = only_statement();
  EXPECT_TRUE(contains(sql, "LEFT OUTER JOIN rel_person AS rel_person_1 ON rel_message.recipient_id = rel_person_1.id"))
      << sql;
  EXPECT_FALSE(contains(sql, "sender_id = rel_person")) << sql;
  log_->clear();
  EXPECT_EQ(m->recipient()->name(), "bob");
  EXPECT_EQ(log_->size(), 0u) << dump();
  EXPECT_EQ(m->sender()->name(), "ann");
  EXPECT_EQ(log_->size(), 1u) << "the sender was not joined" << dump();
}

TEST_F(JoinedTest, JoinedloadOfASelfReferentialCollectionJoinsOneLevel) {
  {
    ormc::Session s(*db_);
    auto root = Node::create({.data = "root"});
    auto mid = Node::create({.data = "mid"});
    mid->children().add(Node::create({.data = "leaf"}));
    root->children().add(mid);
    s.add(root);
    s.commit();
    log_->clear();
  }
  ormc::Session session(*db_);
  auto root = session.scalars(ormc::select<Node>().where(Node::c.data == "root").options(ormc::joinedload(&Node::children))).one();
  EXPECT_EQ(only_statement(),
            "SELECT rel_node.id, rel_node.parent_id, rel_node.data, rel_node_1.id AS rel_node_1_id, rel_node_1.parent_id "
            "AS rel_node_1_parent_id, rel_node_1.data AS rel_node_1_data FROM rel_node LEFT OUTER JOIN rel_node AS "
            "rel_node_1 ON rel_node.id = rel_node_1.parent_id WHERE rel_node.data = " + ph(1) + " ORDER BY rel_node_1.data");
  log_->clear();
  ASSERT_EQ(root->children().size(), 1u);
  EXPECT_EQ(log_->size(), 0u) << dump();
  EXPECT_EQ(root->children()[0]->children().size(), 1u) << "the next level is the configured lazy select";
  EXPECT_EQ(log_->size(), 1u) << dump();
}

TEST_F(JoinedTest, LazyloadTurnsAConfiguredJoinOff) {
  store_albums();
  store_gadgets();
  ormc::Session session(*db_);
  auto albums = session.scalars(ormc::select<Album>().order_by(Album::c.title).options(ormc::lazyload(&Album::tracks))).all();
  EXPECT_EQ(only_statement(), "SELECT rel_album.id, rel_album.title FROM rel_album ORDER BY rel_album.title");
  log_->clear();
  EXPECT_EQ(albums[1]->tracks().size(), 2u);
  EXPECT_EQ(log_->size(), 1u) << "one lazy SELECT" << dump();
  log_->clear();
  auto a = session.scalars(ormc::select<Gadget>().where(Gadget::c.name == "a").options(ormc::lazyload(&Gadget::maker))).one();
  EXPECT_FALSE(contains(only_statement(), "JOIN"));
  log_->clear();
  EXPECT_EQ(a->maker()->name(), "acme");
  EXPECT_EQ(log_->size(), 1u) << "loaded on access" << dump();
}

TEST_F(JoinedTest, TwoJoinedCollectionsDeduplicateTheirCartesianRows) {
  {
    ormc::Session s(*db_);
    auto a = Shelf::create({.name = "a"});
    a->volumes().add(reltest::Volume::create({.title = "x"}));
    a->volumes().add(reltest::Volume::create({.title = "y"}));
    a->badges().add(reltest::Badge::create({.label = "red"}));
    a->badges().add(reltest::Badge::create({.label = "blue"}));
    s.add(a);
    s.commit();
    log_->clear();
  }
  ormc::Session session(*db_);
  auto shelf = session.scalars(ormc::select<Shelf>().options(ormc::joinedload(&Shelf::volumes),
                                                             ormc::joinedload(&Shelf::badges))).one();
  const std::string sql = only_statement();
  EXPECT_TRUE(contains(sql, "LEFT OUTER JOIN rel_volume AS rel_volume_1")) << sql;
  EXPECT_TRUE(contains(sql, "LEFT OUTER JOIN (rel_shelf_badge AS rel_shelf_badge_1 JOIN rel_badge AS rel_badge_1")) << sql;
  EXPECT_TRUE(contains(sql, "ORDER BY rel_volume_1.title, rel_badge_1.label")) << sql;
  log_->clear();
  ASSERT_EQ(shelf->volumes().size(), 2u) << "four rows, two volumes";
  EXPECT_EQ(shelf->volumes()[0]->title(), "x");
  ASSERT_EQ(shelf->badges().size(), 2u);
  EXPECT_EQ(shelf->badges()[0]->label(), "blue");
  EXPECT_EQ(log_->size(), 0u) << "joinedload replaced selectin for both" << dump();
}

// --- 5. get()

TEST_F(JoinedTest, GetLoadsJoinedRelationshipsWithItsSelect) {
  store_albums();
  ormc::Session finder(*db_);
  const std::int32_t id = finder.scalars(ormc::select<Album>().where(Album::c.title == "one")).one()->id();
  ormc::Session session(*db_);
  log_->clear();
  auto one = session.get<Album>(id);
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(only_statement(), album_columns("rel_album") +
                                  " FROM rel_album LEFT OUTER JOIN rel_track AS rel_track_1 ON rel_album.id = "
                                  "rel_track_1.album_id WHERE rel_album.id = " + ph(1) + " ORDER BY rel_track_1.title");
  log_->clear();
  EXPECT_EQ(one->tracks().size(), 2u);
  EXPECT_EQ(log_->size(), 0u) << dump();
  EXPECT_EQ(session.get<Album>(id), one) << "the identity map answers the second get()";
  EXPECT_EQ(session.get<Album>(id + 1000), nullptr);
}

}  // namespace
