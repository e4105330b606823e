# A 40 x 20 x 10 block from the origin with a through hole of diameter 6 centred at (10, 5).
import cadquery as cq

block = cq.Workplane("XY").box(40, 20, 10, centered=False)
hole = cq.Workplane("XY").center(10, 5).circle(3).extrude(10)
result = block.cut(hole)
