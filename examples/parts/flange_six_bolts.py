# A flange: disc 120 x 12 with a hub 60 x 20, a 30 bore and six bolt holes on a 90 circle.
import cadquery as cq

result = (
    cq.Workplane("XY")
    .circle(60).extrude(12)
    .faces(">Z").workplane().circle(30).extrude(20)
    .faces(">Z").workplane().hole(30)
    .faces("<Z").workplane()
    .polarArray(45, 0, 360, 6).hole(10)
)
