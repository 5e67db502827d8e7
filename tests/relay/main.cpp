// lingji-relay: a TCP fault proxy for multi-process network tests (engine in relay.h, control
// protocol in relay_control.h).
//
//   lingji-relay [--control 127.0.0.1:PORT] [--link NAME=LISTEN_HOST:PORT->TARGET_HOST:PORT]...
//
// Quote each --link in a shell: an unquoted "->" is a redirection to a file named TARGET.
//   lingji-relay --link 'n1=127.0.0.1:0->127.0.0.1:8781' --link 'n2=127.0.0.1:0->127.0.0.1:8782'
//
// Prints, then flushes, one line per link and one for the control port, for a harness to parse:
//   link NAME listening on 127.0.0.1:PORT -> TARGET_HOST:PORT
//   control on 127.0.0.1:PORT
// Runs until `quit` on the control port, SIGINT or SIGTERM, then exits 0. A bad argument, a
// non-loopback address or a busy port: a message on stderr and exit code 2.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tests/relay/relay.h"
#include "tests/relay/relay_control.h"

namespace {

int fail(const lingji::relay::Error& e) {
  std::cerr << "lingji-relay: error " << e.name << " " << e.message << std::endl;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lingji::relay;
  CLI::App app{"lingji-relay: a TCP fault proxy (delay, jitter, partitions) for tests on 127.0.0.1"};
  std::string control = "127.0.0.1:0";
  std::vector<std::string> link_texts;
  app.add_option("--control", control, "control address, HOST:PORT (port 0: any free port)");
  app.add_option("--link", link_texts, "NAME=LISTEN_HOST:PORT->TARGET_HOST:PORT (repeatable)");
  CLI11_PARSE(app, argc, argv);

  // Check everything before binding anything, so that a typo fails before any port is taken.
  auto control_ep = parse_endpoint(control);
  if (!control_ep) return fail(control_ep.error());
  std::vector<LinkSpec> specs;
  for (const auto& text : link_texts) {
    auto spec = parse_link_spec(text);
    if (!spec) return fail(spec.error());
    specs.push_back(*spec);
  }

  Relay relay;
  relay.handle_signals();
  for (const auto& spec : specs) {
    auto port = relay.add_link(spec);
    if (!port) return fail(port.error());
    Endpoint listen = spec.listen;
    listen.port = *port;
    std::cout << "link " << spec.name << " listening on " << listen.to_string() << " -> "
              << spec.target.to_string() << "\n";
  }
  auto control_port = serve_control(relay, *control_ep);
  if (!control_port) return fail(control_port.error());
  Endpoint control_at = *control_ep;
  control_at.port = *control_port;
  std::cout << "control on " << control_at.to_string() << std::endl;  // endl: flush for the harness

  relay.wait_for_quit();
  relay.stop();
  return 0;
}
