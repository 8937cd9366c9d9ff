;; A guest that misbehaves on request: `spin` never returns, `grow(pages)`
;; asks for more memory and returns the old size in pages (or -1).
(component
  (core module $M
    (memory 1)
    (func (export "spin") (loop $forever (br $forever)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
  (core instance $m (instantiate $M))
  (func (export "spin") (canon lift (core func $m "spin")))
  (func (export "grow") (param "pages" u32) (result s32) (canon lift (core func $m "grow"))))
