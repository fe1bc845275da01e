-- Unknown and missing priorities fall back to the `normal` policy (SPEC §3), so exactly one row
-- must match it case-insensitively, and no two rows may differ only in case.
with

policies as (

    select priority from {{ ref('sla_policies') }}

),

normal_rows as (

    select count(*) as normal_count
    from policies
    where lower(priority) = 'normal'

),

case_clashes as (

    select lower(priority) as priority_key
    from policies
    group by lower(priority)
    having count(*) > 1

)

select 'normal row count is ' || cast(normal_count as {{ dbt.type_string() }}) as problem
from normal_rows
where normal_count <> 1

union all

select 'priorities differ only in case: ' || priority_key as problem
from case_clashes
