;; A small plugin component: `process(text)` splits its input into words,
;; logs each through the host, asks the host to score it, and returns a
;; summary string built in its own memory.
(component
  (import "example:host/logging" (instance $logging
    (export "log" (func (param "level" u32) (param "msg" string)))))
  (import "example:host/scoring" (instance $scoring
    (export "score" (func (param "word" string) (result u32)))
    (export "label" (func (param "total" u32) (result string)))))

  (core module $Libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "memory" (core memory $memory))
  (alias core export $libc "realloc" (core func $realloc))

  (core func $log (canon lower (func $logging "log") (memory $memory) (realloc $realloc)))
  (core func $score (canon lower (func $scoring "score") (memory $memory) (realloc $realloc)))
  (core func $label (canon lower (func $scoring "label") (memory $memory) (realloc $realloc)))

  (core module $Plugin
    (import "env" "memory" (memory 1))
    (import "host" "log" (func $log (param i32 i32 i32)))
    (import "host" "score" (func $score (param i32 i32) (result i32)))
    (import "host" "label" (func $label (param i32 i32)))
    ;; process(ptr, len) -> ptr to (ptr, len) of the returned string
    (func (export "process") (param $ptr i32) (param $len i32) (result i32)
      (local $i i32) (local $start i32) (local $total i32) (local $end i32)
      (local.set $end (i32.add (local.get $ptr) (local.get $len)))
      (local.set $i (local.get $ptr))
      (local.set $start (local.get $ptr))
      (block $done
        (loop $scan
          ;; at a space or at the end, a word [start, i) is complete
          (if (i32.or (i32.eq (local.get $i) (local.get $end))
                      (i32.eq (i32.load8_u (local.get $i)) (i32.const 32)))
            (then
              (if (i32.gt_u (local.get $i) (local.get $start))
                (then
                  (call $log (i32.const 0) (local.get $start) (i32.sub (local.get $i) (local.get $start)))
                  (local.set $total (i32.add (local.get $total)
                    (call $score (local.get $start) (i32.sub (local.get $i) (local.get $start)))))))
              (local.set $start (i32.add (local.get $i) (i32.const 1)))))
          (br_if $done (i32.eq (local.get $i) (local.get $end)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $scan)))
      ;; the host formats the label; its (ptr, len) lands at offset 16
      (call $label (local.get $total) (i32.const 16))
      (i32.const 16)))
  (core instance $plugin (instantiate $Plugin
    (with "env" (instance (export "memory" (memory $memory))))
    (with "host" (instance (export "log" (func $log)) (export "score" (func $score))
                           (export "label" (func $label))))))
  (func (export "process") (param "text" string) (result string)
    (canon lift (core func $plugin "process") (memory $memory) (realloc $realloc))))
