#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "common/log/trace_context.h"
#include "common/util/mutex.h"

// The call a thread is working for: its trace (W3C trace context), its request id and, once
// known, the organisation it acts for. Every log line written while a call is current carries
// these as fields (log_formatters.h), and every gRPC call made to another service passes the
// trace and the request id on (common/rpc/peer_channel.h). A server interceptor makes the
// call current around its handler (common/metrics), the web tier around its HTTP handlers.
namespace events::logging {

class CallContext {
 public:
  // A call that arrived with `parent` (nullopt: none, or one the spec says to ignore; a new
  // trace starts here) and `request_id`. Its own span id is new either way.
  CallContext(const std::optional<TraceParent>& parent, std::string request_id);

  const std::string& trace_id() const { return trace_id_; }
  // This call's own span, 16 hex digits.
  const std::string& span_id() const { return span_id_; }
  // The caller's span; "" when the trace started here.
  const std::string& parent_span_id() const { return parent_span_id_; }
  const std::string& trace_flags() const { return trace_flags_; }
  const std::string& request_id() const { return request_id_; }

  // The traceparent for one call to another service: this trace and flags, and a new span
  // id, the client side of that call, as its parent. Thread-safe.
  std::string NextTraceParent() const;
  // The traceparent naming this call itself (its own span id): what a domain event the call
  // writes stores, so that the consumer's work is a child of this call. Thread-safe.
  std::string OwnTraceParent() const;

  // The organisation the call acts for, once authentication knows it; "" before. Thread-safe
  // (an answer may be logged on another thread than the one that authenticated).
  void SetOrgId(std::string_view org_id) ABSL_LOCKS_EXCLUDED(mu_);
  std::string org_id() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string trace_id_;
  const std::string span_id_;
  const std::string parent_span_id_;
  const std::string trace_flags_;
  const std::string request_id_;
  mutable Mutex mu_;
  std::string org_id_ ABSL_GUARDED_BY(mu_);
};

// The call the current thread is working for; nullptr outside one.
const std::shared_ptr<CallContext>& CurrentCall();

// The current call's OwnTraceParent(), or "" outside a call: the traceparent a domain event
// written now carries (common/bus/stream_fields.cc).
std::string CurrentTraceParent();

// The call of work that continues a trace stored earlier (a domain event's, a queued webhook
// delivery's or e-mail's traceparent): that trace, a new span, the stored span as parent. An
// empty or invalid one starts a new trace. No request id: the work answers no request.
std::shared_ptr<CallContext> ContinueStoredTrace(std::string_view traceparent);

// Makes `call` (may be null) current on this thread for the life of the scope, then restores
// the one before, so scopes nest. Create and destroy on the same thread.
class ScopedCall {
 public:
  explicit ScopedCall(std::shared_ptr<CallContext> call);
  ~ScopedCall();
  ScopedCall(const ScopedCall&) = delete;
  ScopedCall& operator=(const ScopedCall&) = delete;

 private:
  std::shared_ptr<CallContext> previous_;
};

// `task` wrapped to run with the call that is current now (if any) current on whichever
// thread runs it: for work handed to a thread pool, so its log lines and its calls to other
// services stay in the trace that asked for it.
std::function<void()> WithCurrentCall(std::function<void()> task);

// Records `org_id` on the current call, if there is one and `org_id` is not empty.
void NoteOrgId(std::string_view org_id);

}  // namespace events::logging
