;; A component that uses the host's `counter` resource: `run(start)` makes
;; a counter, bumps it twice, drops it and returns the last count.
(component
  (import "example:counter/counters" (instance $api
    (export "counter" (type $c (sub resource)))
    (export "[constructor]counter" (func (param "start" u32) (result (own $c))))
    (export "[method]counter.incr" (func (param "self" (borrow $c)) (result u32)))))
  (alias export $api "counter" (type $counter))
  (core func $new (canon lower (func $api "[constructor]counter")))
  (core func $incr (canon lower (func $api "[method]counter.incr")))
  (core func $drop (canon resource.drop $counter))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "incr" (func $incr (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "run") (param $start i32) (result i32) (local $h i32) (local $n i32)
      (local.set $h (call $new (local.get $start)))
      (drop (call $incr (local.get $h)))
      (local.set $n (call $incr (local.get $h)))
      (call $drop (local.get $h))
      (local.get $n)))
  (core instance $m (instantiate $M (with "" (instance
    (export "new" (func $new)) (export "incr" (func $incr)) (export "drop" (func $drop))))))
  (func (export "run") (param "start" u32) (result u32) (canon lift (core func $m "run"))))
