#include "common/log/call_context.h"

#include <utility>

namespace events::logging {
namespace {

// Flags of a trace that starts here: 00, nothing sampled, as this platform records no spans
// yet (docs/operations.md, "Logs and traces"); a caller's flags are passed on as they came.
constexpr char kNotSampled[] = "00";

std::shared_ptr<CallContext>& Current() {
  thread_local std::shared_ptr<CallContext> current;
  return current;
}

}  // namespace

CallContext::CallContext(const std::optional<TraceParent>& parent, std::string request_id)
    : trace_id_(parent ? parent->trace_id : NewTraceId()),
      span_id_(NewSpanId()),
      parent_span_id_(parent ? parent->parent_id : ""),
      trace_flags_(parent ? parent->flags : kNotSampled),
      request_id_(std::move(request_id)) {}

std::string CallContext::NextTraceParent() const {
  return FormatTraceParent(trace_id_, NewSpanId(), trace_flags_);
}

std::string CallContext::OwnTraceParent() const {
  return FormatTraceParent(trace_id_, span_id_, trace_flags_);
}

void CallContext::SetOrgId(std::string_view org_id) {
  MutexLock lock(&mu_);
  org_id_ = std::string(org_id);
}

std::string CallContext::org_id() const {
  MutexLock lock(&mu_);
  return org_id_;
}

const std::shared_ptr<CallContext>& CurrentCall() { return Current(); }

std::string CurrentTraceParent() {
  const std::shared_ptr<CallContext>& call = CurrentCall();
  return call == nullptr ? std::string() : call->OwnTraceParent();
}

ScopedCall::ScopedCall(std::shared_ptr<CallContext> call)
    : previous_(std::exchange(Current(), std::move(call))) {}

ScopedCall::~ScopedCall() { Current() = std::move(previous_); }

std::function<void()> WithCurrentCall(std::function<void()> task) {
  std::shared_ptr<CallContext> call = CurrentCall();
  if (call == nullptr) return task;
  return [call = std::move(call), task = std::move(task)] {
    ScopedCall scope(call);
    task();
  };
}

void NoteOrgId(std::string_view org_id) {
  const std::shared_ptr<CallContext>& call = CurrentCall();
  if (call != nullptr && !org_id.empty()) call->SetOrgId(org_id);
}

std::shared_ptr<CallContext> ContinueStoredTrace(std::string_view traceparent) {
  return std::make_shared<CallContext>(ParseTraceParent(traceparent), "");
}

}  // namespace events::logging
