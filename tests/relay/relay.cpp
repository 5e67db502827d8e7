// relay.cpp: the Asio side of Relay (contract in relay.h).
//
// Shape: one io_context on one thread. Each Link owns an acceptor and its Connections; each
// Connection owns two sockets and two Pipes, one per direction. A Pipe is a loop of
//   read (up to kReadSize) -> enqueue as a Chunk with its release time -> write when due
// where reading and writing run concurrently: reads keep coming while earlier chunks wait out
// their delay, which is what keeps throughput up under delay (the bytes in flight are the
// queue, bounded by high_water). The writer sends every chunk that is due in one gathered
// write, or sleeps on the Pipe's timer until the head chunk is due. A Chunk with eof set
// stands for the peer's FIN; it is delayed like data and becomes shutdown(send).
//
// Ordering: a Chunk's release time is max(arrival + delay + jitter, previous release), and the
// queue is FIFO, so jitter changes timing but never the byte order.
//
// Lifetime: Connections and control sessions keep themselves alive through the shared_ptr
// captured in their pending handlers; a Link keeps its open Connections in a map, and a
// Connection removes itself when it closes. stop() closes every socket, acceptor and timer on
// the relay thread, then lets io_context::run() return once the aborted handlers have run.
#include "tests/relay/relay.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace lingji::relay {

std::string_view mode_name(LinkMode m) {
  switch (m) {
    case LinkMode::kOpen: return "open";
    case LinkMode::kBlocked: return "blocked";
    case LinkMode::kHeld: return "held";
  }
  return "unknown";
}

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr std::size_t kReadSize = 64 * 1024;
constexpr std::size_t kMaxWriteBatch = 1 << 20;
constexpr std::size_t kMaxControlLine = 4096;
// An accept error such as EMFILE repeats at once; retrying after a pause avoids a busy loop.
constexpr std::chrono::milliseconds kAcceptRetry{50};

class Connection;

struct Link {
  Link(net::io_context& io, LinkSpec s, const RelayOptions& o, std::mt19937& r)
      : spec(std::move(s)), acceptor(io), retry(io), options(o), rng(r) {}
  LinkSpec spec;
  tcp::acceptor acceptor;
  net::steady_timer retry;
  Shaping up, down;
  LinkMode mode = LinkMode::kOpen;
  LinkStats stats;
  std::map<std::uint64_t, std::shared_ptr<Connection>> conns;
  std::uint64_t next_id = 0;
  const RelayOptions& options;
  std::mt19937& rng;
};

enum class CloseKind {
  kGraceful,  // both FINs forwarded, or the relay is stopping
  kReset,     // a peer reset or failed: pass it on as RST
  kCut,       // block, hold overflow or failed dial: RST, counted in stats.cut
};

struct Chunk {
  std::vector<std::uint8_t> bytes;
  Clock::time_point release;
  bool eof = false;
};

// One direction of one Connection. All members are touched on the relay thread only.
class Pipe {
 public:
  Pipe(Connection& conn, Direction dir, tcp::socket& src, tcp::socket& dst, bool src_ready, bool dst_ready)
      : conn_(conn), dir_(dir), src_(src), dst_(dst), timer_(src.get_executor()),
        src_ready_(src_ready), dst_ready_(dst_ready) {}

  void set_ready() { src_ready_ = dst_ready_ = true; }
  bool finished() const { return eof_sent_; }
  void cancel() { timer_.cancel(); }
  void read();
  void write();

 private:
  void enqueue(std::vector<std::uint8_t> bytes, bool eof);

  Connection& conn_;
  Direction dir_;
  tcp::socket& src_;
  tcp::socket& dst_;
  net::steady_timer timer_;
  bool src_ready_, dst_ready_;  // false while the server socket is not connected yet
  std::array<std::uint8_t, kReadSize> buf_{};
  std::deque<Chunk> queue_;     // deque: push_back keeps the chunks in batch_ in place
  std::vector<net::const_buffer> batch_;
  std::uint64_t queued_ = 0;
  Clock::time_point last_release_{};
  bool reading_ = false, writing_ = false, waiting_ = false;
  bool eof_read_ = false, eof_sent_ = false;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Link> link, std::uint64_t id, tcp::socket client)
      : link_(std::move(link)), id_(id), client_(std::move(client)), server_(client_.get_executor()),
        up_(*this, Direction::kUp, client_, server_, true, false),
        down_(*this, Direction::kDown, server_, client_, false, true) {}

  Link& link() { return *link_; }
  bool closed() const { return closed_; }

  void start() {
    ++link_->stats.accepted;
    ++link_->stats.open;
    error_code ignored;
    client_.set_option(tcp::no_delay(true), ignored);
    up_.read();
    if (link_->mode == LinkMode::kOpen) dial();
  }

  // The link left kBlocked (kBlocked itself closes every Connection).
  void mode_changed() {
    if (link_->mode == LinkMode::kOpen) dial();
    // Held: keep reading so that bytes queue up here; open: resume paused writers and readers.
    up_.write();
    down_.write();
    up_.read();
    down_.read();
  }

  void pipe_finished() {
    if (up_.finished() && down_.finished()) close(CloseKind::kGraceful);
  }

  void close(CloseKind kind) {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    if (kind != CloseKind::kGraceful) {
      // SO_LINGER 0: close() sends RST, so both peers see a reset connection at once.
      client_.set_option(net::socket_base::linger(true, 0), ignored);
      if (server_.is_open()) server_.set_option(net::socket_base::linger(true, 0), ignored);
    }
    client_.close(ignored);
    server_.close(ignored);
    up_.cancel();
    down_.cancel();
    --link_->stats.open;
    if (kind == CloseKind::kCut) ++link_->stats.cut;
    link_->conns.erase(id_);  // a caller's handler or local copy still holds a reference
  }

 private:
  void dial() {
    if (connecting_ || connected_ || closed_) return;
    connecting_ = true;
    const tcp::endpoint target(net::ip::make_address(link_->spec.target.host), link_->spec.target.port);
    server_.async_connect(target, [self = shared_from_this(), this](error_code ec) {
      connecting_ = false;
      if (closed_) return;
      if (ec) return close(CloseKind::kCut);  // the client sees the target's refusal as a reset
      connected_ = true;
      error_code ignored;
      server_.set_option(tcp::no_delay(true), ignored);
      up_.set_ready();
      down_.set_ready();
      up_.write();
      down_.read();
    });
  }

  std::shared_ptr<Link> link_;
  std::uint64_t id_;
  tcp::socket client_, server_;  // before the Pipes, which refer to them
  Pipe up_, down_;
  bool connecting_ = false, connected_ = false, closed_ = false;
};

void Pipe::enqueue(std::vector<std::uint8_t> bytes, bool eof) {
  Link& link = conn_.link();
  const Shaping s = dir_ == Direction::kUp ? link.up : link.down;
  std::int64_t delay_us = std::int64_t{s.delay_ms} * 1000;
  if (s.jitter_ms > 0) {
    std::uniform_int_distribution<std::int64_t> jitter(-std::int64_t{s.jitter_ms} * 1000, std::int64_t{s.jitter_ms} * 1000);
    delay_us += jitter(link.rng);
  }
  // The max() is what keeps a TCP stream in order under jitter.
  const Clock::time_point release =
      std::max(Clock::now() + std::chrono::microseconds(std::max<std::int64_t>(delay_us, 0)), last_release_);
  last_release_ = release;
  queued_ += bytes.size();
  queue_.push_back(Chunk{std::move(bytes), release, eof});
}

void Pipe::read() {
  if (reading_ || eof_read_ || !src_ready_ || conn_.closed()) return;
  const Link& link = conn_.link();
  // Open: pause at high_water and let TCP flow control slow the sender. Held: keep reading, a
  // silent partition swallows bytes; hold_limit bounds what that costs.
  if (link.mode != LinkMode::kHeld && queued_ >= link.options.high_water) return;
  reading_ = true;
  src_.async_read_some(net::buffer(buf_), [self = conn_.shared_from_this(), this](error_code ec, std::size_t n) {
    reading_ = false;
    if (conn_.closed()) return;
    if (ec == net::error::eof) {
      eof_read_ = true;
      enqueue({}, true);
      return write();
    }
    if (ec) return conn_.close(CloseKind::kReset);
    enqueue(std::vector<std::uint8_t>(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n)), false);
    const Link& l = conn_.link();
    if (l.mode == LinkMode::kHeld && queued_ > l.options.hold_limit) return conn_.close(CloseKind::kCut);
    write();
    read();
  });
}

void Pipe::write() {
  if (writing_ || waiting_ || !dst_ready_ || conn_.closed() || queue_.empty()) return;
  if (conn_.link().mode != LinkMode::kOpen) return;  // held: mode_changed() restarts us
  const Clock::time_point now = Clock::now();
  if (queue_.front().release > now) {
    waiting_ = true;
    timer_.expires_at(queue_.front().release);
    timer_.async_wait([self = conn_.shared_from_this(), this](error_code) {
      waiting_ = false;
      if (!conn_.closed()) write();
    });
    return;
  }
  if (queue_.front().eof) {
    queue_.pop_front();
    eof_sent_ = true;
    error_code ignored;
    dst_.shutdown(tcp::socket::shutdown_send, ignored);
    return conn_.pipe_finished();
  }
  batch_.clear();
  std::size_t bytes = 0;
  for (const Chunk& c : queue_) {
    if (c.eof || c.release > now || bytes >= kMaxWriteBatch) break;
    batch_.push_back(net::buffer(c.bytes));
    bytes += c.bytes.size();
  }
  writing_ = true;
  net::async_write(dst_, batch_,
                   [self = conn_.shared_from_this(), this, chunks = batch_.size()](error_code ec, std::size_t n) {
                     writing_ = false;
                     if (conn_.closed()) return;
                     if (ec) return conn_.close(CloseKind::kReset);
                     queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(chunks));
                     queued_ -= n;
                     Link& link = conn_.link();
                     (dir_ == Direction::kUp ? link.stats.bytes_up : link.stats.bytes_down) += n;
                     write();
                     read();  // resumes a read paused at high_water
                   });
}

void accept_loop(const std::shared_ptr<Link>& link) {
  link->acceptor.async_accept([link](error_code ec, tcp::socket socket) {
    if (!link->acceptor.is_open()) return;
    if (ec) {
      link->retry.expires_after(kAcceptRetry);
      link->retry.async_wait([link](error_code wec) {
        if (!wec) accept_loop(link);
      });
      return;
    }
    if (link->mode == LinkMode::kBlocked) {
      ++link->stats.refused;
      error_code ignored;
      socket.set_option(net::socket_base::linger(true, 0), ignored);
      socket.close(ignored);
    } else {
      const std::uint64_t id = link->next_id++;
      auto conn = std::make_shared<Connection>(link, id, std::move(socket));
      link->conns.emplace(id, conn);
      conn->start();
    }
    accept_loop(link);
  });
}

// Binds and listens; the error message names the address.
Status open_acceptor(tcp::acceptor& acceptor, const Endpoint& at) {
  if (!is_loopback_host(at.host)) {
    return relay_error("relay.not_loopback", at.host + " is not a loopback address");
  }
  const tcp::endpoint ep(net::ip::make_address(at.host), at.port);
  error_code ec;
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acceptor.close(ignored);
    return relay_error("relay.bind_failed", "cannot listen on " + at.to_string() + ": " + ec.message());
  }
  return core::Ok();
}

class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(tcp::socket socket, const Relay::ControlHandler& handler, std::function<void()> quit)
      : socket_(std::move(socket)), buf_(kMaxControlLine), handler_(handler), quit_(std::move(quit)) {}

  void read() {
    net::async_read_until(socket_, buf_, '\n', [self = shared_from_this(), this](error_code ec, std::size_t n) {
      if (ec == net::error::not_found) {  // kMaxControlLine bytes without a newline: skip to the next one
        overlong_ = true;
        buf_.consume(buf_.size());
        return read();
      }
      if (ec) return close();
      std::string line(net::buffers_begin(buf_.data()), net::buffers_begin(buf_.data()) + static_cast<std::ptrdiff_t>(n - 1));
      buf_.consume(n);
      if (overlong_) {
        overlong_ = false;
        return reply("error relay.bad_arguments line longer than " + std::to_string(kMaxControlLine) + " bytes", false);
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      bool quit = false;
      std::string answer = handler_(line, quit);
      reply(std::move(answer), quit);
    });
  }

  void close() {
    error_code ignored;
    socket_.close(ignored);
  }

 private:
  void reply(std::string text, bool quit) {
    out_ = std::move(text) + "\n";
    net::async_write(socket_, net::buffer(out_), [self = shared_from_this(), this, quit](error_code ec, std::size_t) {
      if (quit) quit_();
      if (ec) return close();
      read();
    });
  }

  tcp::socket socket_;
  net::streambuf buf_;
  std::string out_;
  const Relay::ControlHandler& handler_;
  std::function<void()> quit_;
  bool overlong_ = false;  // discarding the rest of a line longer than kMaxControlLine
};

LinkInfo info_of(const Link& link) {
  Endpoint listen = link.spec.listen;
  error_code ec;
  const auto local = link.acceptor.local_endpoint(ec);
  if (!ec) listen.port = local.port();
  return LinkInfo{link.spec.name, listen, link.spec.target, link.up, link.down, link.mode, link.stats};
}

}  // namespace

struct Relay::Impl {
  explicit Impl(RelayOptions o)
      : work(io.get_executor()), options(o), rng(o.seed != 0 ? o.seed : std::random_device{}()),
        control_acceptor(io) {}

  // Runs f on the relay thread and returns its result.
  template <class F>
  std::invoke_result_t<F&> call(F f) {
    using R = std::invoke_result_t<F&>;
    if (io.get_executor().running_in_this_thread()) return f();
    if (stopped) throw std::logic_error("lingji::relay::Relay used after stop()");
    std::packaged_task<R()> task(std::move(f));
    std::future<R> done = task.get_future();
    net::post(io, [&task] { task(); });
    return done.get();
  }

  Result<std::shared_ptr<Link>> find(std::string_view name) {
    auto it = links.find(name);
    if (it == links.end()) return relay_error("relay.unknown_link", "no link named \"" + std::string(name) + "\"");
    return it->second;
  }

  void request_quit() {
    std::lock_guard lock(quit_mu);
    quit = true;
    quit_cv.notify_all();
  }

  void close_all() {
    error_code ignored;
    for (auto& [name, link] : links) {
      link->acceptor.close(ignored);
      link->retry.cancel();
      auto conns = std::move(link->conns);
      link->conns.clear();
      for (auto& [id, conn] : conns) conn->close(CloseKind::kGraceful);
    }
    control_acceptor.close(ignored);
    for (auto& weak : sessions) {
      if (auto s = weak.lock()) s->close();
    }
    if (signals) signals->cancel(ignored);
  }

  void control_accept_loop() {
    control_acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (!control_acceptor.is_open()) return;
      if (!ec) {
        std::erase_if(sessions, [](const auto& w) { return w.expired(); });
        auto s = std::make_shared<ControlSession>(std::move(socket), control_handler, [this] { request_quit(); });
        sessions.push_back(s);
        s->read();
      }
      control_accept_loop();
    });
  }

  net::io_context io;  // first: destroyed last, after everything that refers to it
  net::executor_work_guard<net::io_context::executor_type> work;
  RelayOptions options;
  std::mt19937 rng;
  std::map<std::string, std::shared_ptr<Link>, std::less<>> links;
  tcp::acceptor control_acceptor;
  ControlHandler control_handler;
  std::vector<std::weak_ptr<ControlSession>> sessions;
  std::optional<net::signal_set> signals;
  std::mutex quit_mu;
  std::condition_variable quit_cv;
  bool quit = false;
  std::atomic<bool> stopped{false};
  std::thread thread;
};

Relay::Relay(RelayOptions options) : impl_(std::make_unique<Impl>(options)) {
  impl_->thread = std::thread([io = &impl_->io] { io->run(); });
}

Relay::~Relay() { stop(); }

void Relay::stop() {
  if (impl_->stopped.exchange(true)) return;
  net::post(impl_->io, [impl = impl_.get()] { impl->close_all(); });
  impl_->work.reset();
  impl_->thread.join();
}

Result<std::uint16_t> Relay::add_link(const LinkSpec& spec) {
  return impl_->call([&]() -> Result<std::uint16_t> {
    if (auto s = check(spec); !s) return s.error();
    if (impl_->links.count(spec.name) != 0) {
      return relay_error("relay.duplicate_link", "a link named \"" + spec.name + "\" exists");
    }
    auto link = std::make_shared<Link>(impl_->io, spec, impl_->options, impl_->rng);
    if (auto s = open_acceptor(link->acceptor, spec.listen); !s) return s.error();
    impl_->links.emplace(spec.name, link);
    accept_loop(link);
    return link->acceptor.local_endpoint().port();
  });
}

Status Relay::set_shaping(std::string_view name, Direction dir, Shaping shaping) {
  return impl_->call([&]() -> Status {
    auto link = impl_->find(name);
    if (!link) return link.error();
    if (shaping.delay_ms < 0 || shaping.delay_ms > kMaxDelayMs || shaping.jitter_ms < 0 ||
        shaping.jitter_ms > kMaxDelayMs) {
      return relay_error("relay.bad_shaping", "delay and jitter must be 0.." + std::to_string(kMaxDelayMs) + " ms");
    }
    Link& l = **link;
    (dir == Direction::kUp ? l.up : l.down) = shaping;
    return core::Ok();
  });
}

Status Relay::set_mode(std::string_view name, LinkMode mode) {
  return impl_->call([&]() -> Status {
    auto found = impl_->find(name);
    if (!found) return found.error();
    Link& link = **found;
    link.mode = mode;
    if (mode == LinkMode::kBlocked) {
      auto conns = std::move(link.conns);  // close() erases from link.conns
      link.conns.clear();
      for (auto& [id, conn] : conns) conn->close(CloseKind::kCut);
    } else {
      auto conns = link.conns;
      for (auto& [id, conn] : conns) conn->mode_changed();
    }
    return core::Ok();
  });
}

Result<LinkInfo> Relay::link(std::string_view name) {
  return impl_->call([&]() -> Result<LinkInfo> {
    auto link = impl_->find(name);
    if (!link) return link.error();
    return info_of(**link);
  });
}

std::vector<LinkInfo> Relay::links() {
  return impl_->call([&] {
    std::vector<LinkInfo> out;
    for (const auto& [name, link] : impl_->links) out.push_back(info_of(*link));
    return out;
  });
}

Result<std::uint16_t> Relay::serve_control(const Endpoint& control, ControlHandler handler) {
  return impl_->call([&]() -> Result<std::uint16_t> {
    if (impl_->control_handler) throw std::logic_error("Relay::serve_control called twice");
    if (auto s = open_acceptor(impl_->control_acceptor, control); !s) return s.error();
    impl_->control_handler = std::move(handler);
    impl_->control_accept_loop();
    return impl_->control_acceptor.local_endpoint().port();
  });
}

void Relay::handle_signals() {
  impl_->call([&] {
    if (impl_->signals) return;
    impl_->signals.emplace(impl_->io, SIGINT, SIGTERM);
    impl_->signals->async_wait([impl = impl_.get()](error_code ec, int) {
      if (!ec) impl->request_quit();
    });
  });
}

void Relay::request_quit() { impl_->request_quit(); }

void Relay::wait_for_quit() {
  std::unique_lock lock(impl_->quit_mu);
  impl_->quit_cv.wait(lock, [&] { return impl_->quit; });
}

}  // namespace lingji::relay
