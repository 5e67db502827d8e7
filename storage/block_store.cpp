#include "storage/block_store.h"

#include <rocksdb/db.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "core/codec.h"
#include "storage/block_files.h"

namespace lingji::storage {
namespace {

enum Cf { kDefault = 0, kBlocks, kBlockIds, kTxs, kState, kUndo, kCfCount };
const char* const kCfNames[] = {"default", "blocks", "block_ids", "txs", "state", "undo"};

std::string height_key(uint64_t h) {
  std::string k(8, '\0');
  for (int i = 0; i < 8; ++i) k[i] = static_cast<char>(h >> (56 - 8 * i));
  return k;
}

rocksdb::Slice slice(core::ByteView v) { return {reinterpret_cast<const char*>(v.data()), v.size()}; }

// "2": block bodies in block files (block_files.h), their locations in the blocks column family.
// "3": the state rules of the module kit: the listing record under its own key prefix ('I', was
// 'G' "listing"), and evidence ejecting by the slot of the enacted block intervals. A state of
// format 2 would restore (its root matches) yet read as unlisted: it is refused instead.
// "4": the resource model (chain/resources/resources.h): account records carry mana and
// mana_time, the params record four more parameters; format-3 records would decode as accounts
// that never settled, so a format-3 directory is refused.
const std::string kStoreFormat = "4";

core::Error io_error(const rocksdb::Status& s) {
  return storage_error("storage.io_error", "RocksDB: " + s.ToString());
}

uint64_t height_of_key(const rocksdb::Slice& k) {
  uint64_t h = 0;
  for (size_t i = 0; i < k.size(); ++i) h = h << 8 | static_cast<unsigned char>(k[i]);
  return h;
}

core::Bytes head_record(uint64_t h) {
  core::Writer w;
  w.u64(h);
  return w.take();
}

}  // namespace

core::Bytes encode_change_set(const chain::ChangeSet& changes) {
  size_t size = 4;
  for (const auto& [key, value] : changes) size += 4 + key.size() + 1 + (value ? 4 + value->size() : 0);
  core::Writer w;
  w.reserve(size);
  w.u32(static_cast<uint32_t>(changes.size()));
  for (const auto& [key, value] : changes) {
    w.bytes(key).u8(value ? 1 : 0);
    if (value) w.bytes(*value);
  }
  return w.take();
}

std::optional<chain::ChangeSet> decode_change_set(core::ByteView bytes) {
  core::Reader r(bytes);
  uint32_t n = 0;
  if (!r.u32(n)) return std::nullopt;
  chain::ChangeSet out;
  for (uint32_t i = 0; i < n; ++i) {
    core::Bytes key, value;
    uint8_t present = 0;
    if (!r.bytes(key, bytes.size()) || !r.u8(present) || present > 1) return std::nullopt;
    if (present && !r.bytes(value, bytes.size())) return std::nullopt;
    out.emplace_hint(out.end(), std::move(key), present ? std::optional<core::Bytes>(std::move(value)) : std::nullopt);
  }
  if (!r.finish()) return std::nullopt;
  return out;
}

struct BlockStore::Impl {
  std::unique_ptr<BlockFiles> files;  // block bodies; the blocks column family holds their locations
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cf;
  rocksdb::WriteOptions write_options;
  uint64_t head = 0;
  uint64_t undo_floor = 0;  // no undo record is kept below this height
  std::function<void()> read_hook;

  ~Impl() {
    for (auto* h : cf) db->DestroyColumnFamilyHandle(h);
  }
  std::optional<std::string> get(Cf c, const rocksdb::Slice& key) const {
    std::string v;
    if (!db->Get(rocksdb::ReadOptions(), cf[c], key, &v).ok()) return std::nullopt;
    return v;
  }
  // The block at height in the block files: `length` bytes from its start, or all of it.
  std::optional<core::Bytes> block_bytes(uint64_t height, std::optional<uint64_t> length = std::nullopt) const {
    if (read_hook) read_hook();
    auto v = get(kBlocks, height_key(height));
    if (!v) return std::nullopt;
    auto loc = BlockFileLocation::decode(core::as_bytes(*v));
    if (!loc) return std::nullopt;
    return files->read(*loc, 0, length);
  }
};

BlockStore::BlockStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BlockStore::~BlockStore() = default;

core::Result<std::unique_ptr<BlockStore>> BlockStore::open(const std::filesystem::path& dir, bool sync_writes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.max_open_files = kMaxOpenTableFiles;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kCfNames) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
  // A block's transaction ids are inserted in id order, each search starting from the previous
  // insert (the hint). A hash-bucket memtable inserted them in O(1) but its flush rebuilt a whole
  // skip list of every id: it cost more on RocksDB's thread than it saved here.
  descriptors[kTxs].options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));
  options.allow_concurrent_memtable_write = false;  // required by the vector memtable below
  // Signatures, keys and ids do not compress: compressing them would only take CPU from the
  // verification threads.
  for (auto& d : descriptors) d.options.compression = rocksdb::kNoCompression;
  // The state is only ever read whole (at start), never by key: a vector memtable appends each
  // change in O(1) and sorts once at flush, where a skip list paid a search of cache misses per
  // write (about half of commit_block's CPU, bench/pipeline_bench).
  descriptors[kState].options.memtable_factory.reset(new rocksdb::VectorRepFactory());
  auto impl = std::make_unique<Impl>();
  auto files = BlockFiles::open(dir / "blocks");
  if (!files) return files.error();
  impl->files = std::move(*files);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, (dir / "chain.rocksdb").string(), descriptors, &impl->cf, &raw);
  if (!s.ok()) return io_error(s);
  impl->db.reset(raw);
  impl->write_options.sync = sync_writes;
  if (auto head = impl->get(kDefault, "head")) {
    core::Reader r(core::as_bytes(*head));
    uint64_t h = 0;
    if (!r.u64(h) || !r.finish())
      return storage_error("storage.corruption", "head record is damaged");
    impl->head = h;
  }
  // Stores from before the block files kept whole blocks in the blocks column family.
  const auto format = impl->get(kDefault, "format");
  if (format ? *format != kStoreFormat : impl->head > 0)
    return storage_error("storage.corruption",
                            "the data directory was written by an incompatible version of lingjid (store format " +
                                (format ? *format : std::string("1")) + ", this version reads " + kStoreFormat +
                                "); start with a new --data-dir");
  if (!format) {
    if (auto st = impl->db->Put(rocksdb::WriteOptions(), impl->cf[kDefault], "format", kStoreFormat); !st.ok())
      return io_error(st);
  }
  std::unique_ptr<rocksdb::Iterator> first(impl->db->NewIterator(rocksdb::ReadOptions(), impl->cf[kUndo]));
  first->SeekToFirst();
  impl->undo_floor = first->Valid() ? height_of_key(first->key()) : impl->head + 1;
  return std::unique_ptr<BlockStore>(new BlockStore(std::move(impl)));
}

std::optional<std::string> BlockStore::genesis_json() const { return impl_->get(kDefault, "genesis"); }

core::Status BlockStore::put_genesis_json(const std::string& json) {
  rocksdb::WriteOptions w = impl_->write_options;
  w.sync = true;
  auto s = impl_->db->Put(w, impl_->cf[kDefault], "genesis", json);
  if (!s.ok()) return io_error(s);
  return core::Ok();
}

core::Status BlockStore::commit_block(const chain::Block& block, const chain::ChangeSet& writes,
                                      const chain::ChangeSet& undo) {
  const uint64_t h = block.header.height;
  // The body first, synced with the batch's own setting: once the batch below lands, the
  // location it holds must point at complete bytes.
  auto loc = impl_->files->append(block.encode(), impl_->write_options.sync);
  if (!loc) return loc.error();
  core::Bytes undo_bytes = encode_change_set(undo);
  // The batch's buffer sized up front: no regrowth copies.
  size_t batch_bytes = undo_bytes.size() + 256 + block.transactions.size() * 64;
  for (const auto& [key, value] : writes) batch_bytes += key.size() + (value ? value->size() : 0) + 16;
  rocksdb::WriteBatch batch(batch_bytes);
  batch.Put(impl_->cf[kBlocks], height_key(h), slice(loc->encode()));
  core::Hash256 id = block.header.id();
  batch.Put(impl_->cf[kBlockIds], slice(id.view()), height_key(h));
  // Index entries in id order: random 32-byte keys inserted in order cost the memtable's skip
  // list far less (commit CPU -18 % at 5000 transactions per block, bench/pipeline_bench).
  std::vector<std::pair<const core::Hash256*, uint32_t>> index;
  index.reserve(block.transactions.size());
  for (uint32_t i = 0; i < block.transactions.size(); ++i) index.emplace_back(&block.transactions[i].id(), i);
  std::sort(index.begin(), index.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
  for (const auto& [id, i] : index) {
    core::Writer loc;
    loc.u64(h).u32(i);
    batch.Put(impl_->cf[kTxs], slice(id->view()), slice(loc.data()));
  }
  for (const auto& [key, value] : writes) {
    if (value) batch.Put(impl_->cf[kState], slice(key), slice(*value));
    else batch.Delete(impl_->cf[kState], slice(key));
  }
  batch.Put(impl_->cf[kUndo], height_key(h), slice(undo_bytes));
  batch.Put(impl_->cf[kDefault], "head", slice(head_record(h)));
  auto s = impl_->db->Write(impl_->write_options, &batch);
  if (!s.ok()) return io_error(s);
  impl_->head = h;
  impl_->undo_floor = std::min(impl_->undo_floor, h);
  return core::Ok();
}

std::optional<chain::ChangeSet> BlockStore::undo_at(uint64_t height) const {
  auto v = impl_->get(kUndo, height_key(height));
  if (!v) return std::nullopt;
  return decode_change_set(core::as_bytes(*v));
}

core::Result<chain::Block> BlockStore::pop_head() {
  const uint64_t h = impl_->head;
  auto corrupt = [&](const std::string& what) {
    return storage_error("storage.corruption", "cannot pop block " + std::to_string(h) + ": " + what);
  };
  if (h == 0) return corrupt("the store holds no block");
  auto block = block_at(h);
  if (!block) return corrupt("the block is missing or damaged");
  auto undo = undo_at(h);
  if (!undo) return corrupt("its undo record is missing (the block is final)");
  rocksdb::WriteBatch batch;
  batch.Delete(impl_->cf[kBlocks], height_key(h));
  batch.Delete(impl_->cf[kBlockIds], slice(block->header.id().view()));
  for (const auto& tx : block->transactions) batch.Delete(impl_->cf[kTxs], slice(tx.id().view()));
  for (const auto& [key, value] : *undo) {
    if (value) batch.Put(impl_->cf[kState], slice(key), slice(*value));
    else batch.Delete(impl_->cf[kState], slice(key));
  }
  batch.Delete(impl_->cf[kUndo], height_key(h));
  batch.Put(impl_->cf[kDefault], "head", slice(head_record(h - 1)));
  auto s = impl_->db->Write(impl_->write_options, &batch);
  if (!s.ok()) return io_error(s);
  impl_->head = h - 1;
  return std::move(*block);
}

core::Status BlockStore::prune_undo(uint64_t final_height) {
  if (final_height < impl_->undo_floor) return core::Ok();
  rocksdb::WriteBatch batch;
  for (uint64_t h = impl_->undo_floor; h <= final_height; ++h) batch.Delete(impl_->cf[kUndo], height_key(h));
  // Not synced: a lost prune only keeps a record that is pruned again later.
  auto s = impl_->db->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return io_error(s);
  impl_->undo_floor = final_height + 1;
  return core::Ok();
}

void BlockStore::set_read_hook(std::function<void()> hook) { impl_->read_hook = std::move(hook); }

uint64_t BlockStore::head_height() const { return impl_->head; }

std::optional<core::Bytes> BlockStore::block_bytes_at(uint64_t height) const { return impl_->block_bytes(height); }

std::optional<chain::Block> BlockStore::block_at(uint64_t height) const {
  auto bytes = block_bytes_at(height);
  if (!bytes) return std::nullopt;
  auto b = chain::Block::decode(*bytes);
  if (!b) return std::nullopt;
  return std::move(*b);
}

std::optional<uint64_t> BlockStore::height_of(const core::Hash256& block_id) const {
  auto v = impl_->get(kBlockIds, slice(block_id.view()));
  if (!v || v->size() != 8) return std::nullopt;
  uint64_t h = 0;
  for (unsigned char c : *v) h = h << 8 | c;
  return h;
}

std::optional<TxLocation> BlockStore::find_transaction(const core::Hash256& tx_id) const {
  auto v = impl_->get(kTxs, slice(tx_id.view()));
  if (!v) return std::nullopt;
  core::Reader r(core::as_bytes(*v));
  TxLocation loc{};
  if (!r.u64(loc.height) || !r.u32(loc.index) || !r.finish()) return std::nullopt;
  return loc;
}

// The header is a fixed-size prefix of the stored block (chain/protocol/block.h).
std::optional<chain::BlockHeader> BlockStore::header_at(uint64_t height) const {
  auto v = impl_->block_bytes(height, chain::BlockHeader::kEncodedBytes);
  if (!v) return std::nullopt;
  auto h = chain::BlockHeader::decode(*v);
  if (!h) return std::nullopt;
  return *h;
}

std::optional<chain::SignedTransaction> BlockStore::transaction_at(const TxLocation& loc) const {
  auto v = impl_->block_bytes(loc.height);
  if (!v) return std::nullopt;
  return chain::Block::transaction_in(*v, loc.index);
}

std::vector<std::pair<core::Bytes, core::Bytes>> BlockStore::load_state() const {
  std::vector<std::pair<core::Bytes, core::Bytes>> out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf[kState]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto k = it->key(), v = it->value();
    out.emplace_back(core::Bytes(k.data(), k.data() + k.size()), core::Bytes(v.data(), v.data() + v.size()));
  }
  return out;
}

core::Status BlockStore::replace_state(const std::vector<std::pair<core::Bytes, core::Bytes>>& entries) {
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf[kState]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) batch.Delete(impl_->cf[kState], it->key());
  for (const auto& [k, v] : entries) batch.Put(impl_->cf[kState], slice(k), slice(v));
  rocksdb::WriteOptions w = impl_->write_options;
  w.sync = true;
  auto s = impl_->db->Write(w, &batch);
  if (!s.ok()) return io_error(s);
  return core::Ok();
}

}  // namespace lingji::storage
