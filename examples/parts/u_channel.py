# A U channel 100 long: 60 wide, 40 high, walls 6, with three holes through the web.
import cadquery as cq

outer = cq.Workplane("XY").box(100, 60, 40, centered=(True, True, False))
inner = cq.Workplane("XY").box(100, 48, 34, centered=(True, True, False)).translate((0, 0, 6))
channel = outer.cut(inner)
result = channel.faces("<Z").workplane().pushPoints([(-35, 0), (0, 0), (35, 0)]).hole(10)
