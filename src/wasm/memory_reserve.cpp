// The page's module keeps an emergency memory reserve (linked into the module and the wasm
// out-of-memory test, not into the core).
//
// When a file does not fit, an allocation fails and std::bad_alloc unwinds to the guard of the
// entry point (guard.hpp), which answers with a sentence. Unwinding and answering need a little
// memory themselves: nlohmann::json allocates while it destroys nested values, and a destructor
// that throws ends the program. So the global operator new keeps a reserve: when malloc fails, the
// reserve is given back and the allocation tried once more; only when that fails too is bad_alloc
// thrown. The guard puts the reserve back after the failure is answered (restore_reserve()).
#include <cstdlib>
#include <new>

#include "guard.hpp"

namespace {

constexpr std::size_t kReserveBytes = 8u << 20;
void* g_reserve = nullptr;

void* allocate(std::size_t n) noexcept {
  if (n == 0) n = 1;
  void* p = std::malloc(n);
  if (!p && g_reserve) {
    std::free(g_reserve);
    g_reserve = nullptr;
    p = std::malloc(n);
  }
  return p;
}

const bool g_reserved = (pe::wasm::restore_reserve(), true);

}  // namespace

namespace pe::wasm {

void restore_reserve() noexcept {
  if (!g_reserve) g_reserve = std::malloc(kReserveBytes);
}

bool reserve_in_place() noexcept { return g_reserve != nullptr; }

}  // namespace pe::wasm

void* operator new(std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
