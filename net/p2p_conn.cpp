// p2p_conn.cpp: one connection's reads, writes, timers and close (see p2p_impl.h for the states).
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "net/p2p_impl.h"

namespace lingji::net {

// ---- timers ----

void P2p::Impl::arm(const ConnPtr& c, Clock::time_point when) {
  c->timer.expires_at(when);
  c->timer.async_wait([this, c](ErrorCode ec) {
    if (!ec) on_timer(c);
  });
}

void P2p::Impl::on_timer(const ConnPtr& c) {
  const Clock::time_point now = Clock::now();
  switch (c->state) {
    case Conn::State::kHandshake:
      if (now < c->handshake_deadline) return arm(c, c->handshake_deadline);
      return close_with(c, "net.handshake_timeout",
                        "no handshake within " + std::to_string(options.handshake_timeout.count()) + " ms", true,
                        false);
    case Conn::State::kOpen:
      if (now - c->last_rx >= options.idle_timeout) {
        return close_with(c, "net.idle_timeout",
                          "nothing received for " + std::to_string(options.idle_timeout.count()) + " ms", true,
                          false);
      }
      if (now >= c->next_ping) {
        enqueue(c, make_frame(kPing, encode_ping(++c->ping_nonce)));
        c->next_ping = now + options.ping_interval;
      }
      if (c->state == Conn::State::kOpen) arm_keepalive(c);
      return;
    case Conn::State::kClosing:
      return close_now(c);
    case Conn::State::kClosed:
      return;
  }
}

void P2p::Impl::arm_keepalive(const ConnPtr& c) { arm(c, std::min(c->next_ping, c->last_rx + options.idle_timeout)); }

// ---- reading ----

void P2p::Impl::continue_reading(const ConnPtr& c) {
  switch (c->state) {
    case Conn::State::kHandshake:
    case Conn::State::kOpen: {
      // Over its frame rate: read nothing until a token is back. TCP flow control then slows
      // the sender down; nothing it sends meanwhile costs us more than the socket buffer.
      const Clock::time_point now = Clock::now();
      if (!c->frames.take(now)) {
        c->read_timer.expires_after(c->frames.wait(now));
        c->read_timer.async_wait([this, c](ErrorCode ec) {
          if (!ec) continue_reading(c);
        });
        return;
      }
      c->payload.clear();
      asio::async_read(c->sock, asio::buffer(c->header), [this, c](ErrorCode ec, size_t) { on_header(c, ec); });
      return;
    }
    case Conn::State::kClosing:
      return discard(c);
    case Conn::State::kClosed:
      return;
  }
}

void P2p::Impl::discard(const ConnPtr& c) {
  c->sock.async_read_some(asio::buffer(discard_buf), [this, c](ErrorCode ec, size_t) {
    if (c->state == Conn::State::kClosed) return;
    if (ec) return close_now(c);  // EOF: the peer has read our goodbye and closed
    discard(c);
  });
}

bool P2p::Impl::read_interrupted(const ConnPtr& c, const ErrorCode& ec) {
  if (c->state == Conn::State::kClosed) return true;
  if (c->state == Conn::State::kClosing) {
    discard(c);
    return true;
  }
  if (ec) {
    close_with(c, "net.connection_lost", ec == asio::error::eof ? "closed by the remote" : ec.message(), false,
               false);
    return true;
  }
  return false;
}

void P2p::Impl::on_header(const ConnPtr& c, const ErrorCode& ec) {
  if (read_interrupted(c, ec)) return;
  c->frame = decode_frame_header(c->header);
  const uint8_t type = c->frame.type;
  if (c->state == Conn::State::kHandshake && type != kHello && type != kAuth && type != kGoodbye) {
    violation(c, "frame type " + std::to_string(type) + " before the handshake completed");
  } else if (core::Status st = check_frame_header(c->frame, options.max_payload); !st) {
    violation(c, st.error().message);
  } else {
    return read_payload(c);
  }
  continue_reading(c);
}

void P2p::Impl::read_payload(const ConnPtr& c) {
  const size_t have = c->payload.size();
  const size_t total = c->frame.payload_size();
  if (have == total) {
    on_frame(c);
    return continue_reading(c);
  }
  const size_t want = std::min(total - have, kReadChunk);
  c->payload.resize(have + want);
  asio::async_read(c->sock, asio::buffer(c->payload.data() + have, want), [this, c](ErrorCode ec, size_t) {
    if (!read_interrupted(c, ec)) read_payload(c);
  });
}

void P2p::Impl::on_frame(const ConnPtr& c) {
  c->last_rx = Clock::now();
  switch (c->frame.type) {
    case kHello:
      if (c->hello) return violation(c, "second hello");
      return on_hello(c);
    case kAuth:
      if (!c->hello) return violation(c, "auth before hello");
      if (c->state != Conn::State::kHandshake) return violation(c, "second auth");
      return on_auth(c);
    case kGoodbye: {
      auto g = decode_goodbye(c->payload);
      if (!g) return violation(c, g.error().message);
      const std::string reason = "remote goodbye " + std::string(net_error_name(g->code)) + ": " + g->text;
      return drop(c, reason, std::nullopt, false);
    }
    case kPing: {
      auto nonce = decode_ping(c->payload);
      if (!nonce) return violation(c, nonce.error().message);
      return enqueue(c, make_frame(kPong, encode_ping(*nonce)));
    }
    case kPong: {
      auto nonce = decode_ping(c->payload);
      if (!nonce) return violation(c, nonce.error().message);
      return;  // last_rx is all a pong is for
    }
    default:
      // check_frame_header allowed it and on_header refused app types before the handshake.
      handler.on_message(c->id, c->frame.type, std::move(c->payload));
      c->payload.clear();
      return;
  }
}

// ---- writing ----

void P2p::Impl::enqueue(const ConnPtr& c, Frame f) {
  if (c->state != Conn::State::kHandshake && c->state != Conn::State::kOpen) return;
  if (c->queued_bytes + f->size() > options.max_send_queue_bytes) {
    return close_with(c, "net.send_queue_full", "over " + std::to_string(options.max_send_queue_bytes) + " bytes queued",
                      false, false);
  }
  c->queued_bytes += f->size();
  c->queue.push_back(std::move(f));
  if (!c->writing) write_next(c);
}

void P2p::Impl::write_next(const ConnPtr& c) {
  c->writing = true;
  asio::async_write(c->sock, asio::buffer(*c->queue.front()), [this, c](ErrorCode ec, size_t) { on_written(c, ec); });
}

void P2p::Impl::on_written(const ConnPtr& c, const ErrorCode& ec) {
  c->writing = false;
  if (c->state == Conn::State::kClosed) return;
  c->queued_bytes -= c->queue.front()->size();
  c->queue.pop_front();
  if (ec) {
    if (c->state == Conn::State::kClosing) return close_now(c);
    return close_with(c, "net.connection_lost", ec.message(), false, false);
  }
  if (!c->queue.empty()) return write_next(c);
  if (c->state == Conn::State::kClosing) {
    if (stopping) return close_now(c);
    ErrorCode ignored;
    c->sock.shutdown(tcp::socket::shutdown_send, ignored);  // discard() waits for the EOF
  }
}

// ---- closing ----

void P2p::Impl::violation(const ConnPtr& c, const std::string& detail) {
  close_with(c, "net.protocol_violation", detail, true, true);
}

void P2p::Impl::close_with(const ConnPtr& c, NetErrorRef reason, const std::string& detail, bool goodbye, bool ban) {
  close_with(c, net_error(reason, detail), goodbye, ban);
}

void P2p::Impl::close_with(const ConnPtr& c, const core::Error& reason, bool goodbye, bool ban) {
  std::optional<Goodbye> g;
  if (goodbye) g = Goodbye{static_cast<uint16_t>(reason.code), reason.message};
  drop(c, reason.name + ": " + reason.message, std::move(g), ban);
}

void P2p::Impl::drop(ConnPtr c, const std::string& reason, std::optional<Goodbye> goodbye, bool ban_it) {
  if (c->state == Conn::State::kClosing || c->state == Conn::State::kClosed) return;
  const bool was_open = c->state == Conn::State::kOpen;
  if (ban_it) ban(*c);
  c->state = Conn::State::kClosing;
  conns.erase(c->id);
  closing[c->id] = c;
  c->read_timer.cancel();
  if (was_open) {
    auto it = by_node.find(c->hello->node_id);
    if (it != by_node.end() && it->second == c->id) by_node.erase(it);
    std::lock_guard<std::mutex> lock(peers_mu);
    peer_snapshot.erase(c->id);
  }

  if (!goodbye) {
    close_now(c);
  } else {
    // Keep only the frame being written (its buffer is in use), then the goodbye.
    while (c->queue.size() > (c->writing ? 1u : 0u)) {
      c->queued_bytes -= c->queue.back()->size();
      c->queue.pop_back();
    }
    Frame g = make_frame(kGoodbye, encode_goodbye(*goodbye));
    c->queued_bytes += g->size();
    c->queue.push_back(std::move(g));
    arm(c, Clock::now() + (stopping ? kStopLinger : kCloseLinger));
    if (!c->writing) write_next(c);
  }

  if (c->target) target_closed(*c->target, was_open);
  if (was_open) wake_targets_waiting_for(c->hello->node_id);
  if (was_open) {
    handler.on_disconnected(c->id, reason);
  } else {
    handler.on_handshake_failed(c->remote, reason);
  }
}

void P2p::Impl::close_now(const ConnPtr& c) {
  closing.erase(c->id);
  c->state = Conn::State::kClosed;
  ErrorCode ignored;
  c->sock.close(ignored);
  c->timer.cancel();
  c->read_timer.cancel();
}

}  // namespace lingji::net
