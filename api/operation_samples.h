// operation_samples.h: one sample value per operation, the objects of
// tests/vectors/operation_vectors.json. There is no generic sample: each operation has an
// explicit specialization in operation_samples.cpp, so an operation added to the registry
// (chain/protocol/operations.h) without a sample fails to link the vector test.
#pragma once

namespace lingji::api {

// A well-formed value of Op with every field non-trivial (non-empty text, several list entries,
// non-zero numbers), so that a field left out of the encoding or the JSON view shows.
template <class Op>
Op sample_operation();

}  // namespace lingji::api
