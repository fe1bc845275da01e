-- A schedule's intervals are all in one time zone (SPEC §6); two would make its hours ambiguous.
with

business_hours as (

    select
        schedule,
        timezone
    from {{ ref('business_hours') }}

)

select
    schedule,
    count(distinct timezone) as timezones
from business_hours
group by schedule
having count(distinct timezone) > 1
